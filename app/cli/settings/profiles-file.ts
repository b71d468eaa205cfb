// The profiles file is shared with the desktop app's main process, so it lives in the server layer.
export { ensureProfilesFile, profilesPath, readProfilesFile, updateProfilesFile, type ProfilesFile } from '../../server/settings/profiles-file.js';
