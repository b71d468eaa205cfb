/** The values a notification's subject and body may name, as `{{ flowRun.name }}`. */
export const TEMPLATE_VARIABLES = [
  'flowRun.id',
  'flowRun.name',
  'flowRun.state.type',
  'flowRun.state.name',
  'flowRun.state.message',
  'flowRun.tags',
  'flowRun.url',
  'flow.name',
  'deployment.name',
  'automation.name',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/** The placeholders of a template that name no known value: said to whoever wrote it, before it fires. */
export function unknownTemplateVariables(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]).filter((name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name));
}

/** The template with each `{{ name }}` replaced by its value. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as TemplateVariable] : whole));
}
