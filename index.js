// @ts-check
'use strict';
// ssh2-streams-native: the public API of ssh2-streams@0.4.10.
module.exports = {
  SFTPStream: require('./lib/sftp'),
  SSH2Stream: require('./lib/ssh'),
  utils: require('./lib/utils'),
  constants: require('./lib/constants'),
};
