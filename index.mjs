// ssh2-streams-native for ES modules: the same objects as require() gives
// (one module instance, so SSH2Stream, SFTPStream, utils and constants are
// identical whichever way they are loaded).
import { createRequire } from 'node:module';

const api = createRequire(import.meta.url)('./index.js');

export const { SSH2Stream, SFTPStream, utils, constants } = api;
export default api;
