import { describeSource, SETTING_NAMES, shownSettingValue, type SettingSource } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { renderFields } from '../output/fields.js';
import { formatSettingValue } from '../output/settings.js';
import { renderTable } from '../output/table.js';
import { openProfiles } from '../settings/open-profiles.js';
import { describeServerTarget } from '../settings/server-target.js';

function jsonSource(source: SettingSource): { source: string; profile?: string } {
  return source.kind === 'profile' ? { source: 'profile', profile: source.profile } : { source: source.kind };
}

/** `flowdeck config view`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  openProfiles(ctx);
  const loaded = ctx.loadedSettings;
  const { values, sources } = loaded.resolved;
  const names = flag(args, 'show-defaults') ? SETTING_NAMES : SETTING_NAMES.filter((name) => sources[name].kind !== 'default');
  const server = ctx.server;
  if (flag(args, 'json')) {
    ctx.printJson({
      profile: loaded.profile.name,
      profileFrom: loaded.profile.pickedByEnv ? 'FLOWDECK_PROFILE' : 'active',
      profilesFile: loaded.profilesPath,
      home: ctx.home,
      server: server.kind === 'local' ? { kind: 'local', database: server.databasePath } : server,
      settings: Object.fromEntries(names.map((name) => [name, { value: shownSettingValue(name, values[name]), ...jsonSource(sources[name]) }])),
    });
    return EXIT_OK;
  }
  const { colors } = ctx;
  const urlSource = sources.FLOWDECK_API_URL;
  const serverFrom = urlSource.kind === 'default' ? '' : colors.gray(` (FLOWDECK_API_URL from ${describeSource(urlSource)})`);
  ctx.print(
    renderFields([
      ['server', `${describeServerTarget(server)}${serverFrom}`],
      ['profile', `${loaded.profile.name}${loaded.profile.pickedByEnv ? ' (picked by FLOWDECK_PROFILE)' : ' (active)'}`],
      ['profiles file', loaded.profilesPath],
      ['home', ctx.home],
    ]),
  );
  ctx.print();
  if (names.length === 0) {
    ctx.print('Every setting has its default value; --show-defaults lists them.');
    return EXIT_OK;
  }
  const rows = names.map((name) => [name, formatSettingValue(name, values[name]), describeSource(sources[name])]);
  ctx.print(renderTable(['SETTING', 'VALUE', 'SOURCE'], rows, colors.bold));
  return EXIT_OK;
};
