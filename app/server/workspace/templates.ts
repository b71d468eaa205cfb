import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowTemplate } from '../../core/api/index.js';

/**
 * The first sentence of a file's leading `//` comment: its lines up to the first indented one
 * (examples indent the commands that run them), cut at the first full stop.
 */
function leadingDescription(source: string): string {
  const words: string[] = [];
  for (const line of source.split(/\r?\n/)) {
    const match = /^\s*\/\/(.*)$/.exec(line);
    if (!match) break;
    const text = match[1].replace(/^ /, '');
    if (text.trim() === '' || /^\s/.test(text) || /^Run it\b/i.test(text)) break;
    words.push(text.trim());
  }
  const joined = words.join(' ');
  const sentence = /^(.*?[.!?])(\s|$)/.exec(joined)?.[1] ?? joined;
  return sentence.replace(/:$/, '');
}

/** Every flow file in the folder as a template, by name; a missing folder has none. */
export async function listTemplates(dir: string): Promise<FlowTemplate[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(
    names.map(async (name) => {
      const content = await readFile(join(dir, name), 'utf8');
      return { name: name.replace(/\.ts$/, ''), description: leadingDescription(content), content };
    }),
  );
}
