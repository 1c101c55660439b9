// @ts-check
'use strict';
// 0.4.10's debug lines for a key exchange: for each kind of algorithm, the
// list each side offered ("(local) ...", "(remote) ...") and what was
// agreed. The engine reports the lists ('_offers') before comparing them
// and the outcome ('_negotiated') after; when no common algorithm is
// found, the lists are printed before the error, which is when they help.

const KINDS = [
  ['kex', 'KEX algorithms', 'KEX algorithm'],
  ['serverHostKey', 'Host key formats', 'Host key format'],
  ['cipherClientToServer', 'Client->Server ciphers', 'Client->Server Cipher'],
  ['cipherServerToClient', 'Server->Client ciphers', 'Server->Client Cipher'],
  ['hmacClientToServer', 'Client->Server HMAC algorithms', 'Client->Server HMAC algorithm'],
  ['hmacServerToClient', 'Server->Client HMAC algorithms', 'Server->Client HMAC algorithm'],
  ['compressClientToServer', 'Client->Server compression algorithms', 'Client->Server compression algorithm'],
  ['compressServerToClient', 'Server->Client compression algorithms', 'Server->Client compression algorithm'],
];

/** The lines for one exchange: offers ([local, remote] or null) and the agreed names (or null when none were). */
function kexDebugLines(offers, agreed) {
  const lines = [];
  for (const [key, lists, chosen] of KINDS) {
    if (offers) {
      lines.push(`DEBUG: (local) ${lists}: ${offers[0][key]}`);
      lines.push(`DEBUG: (remote) ${lists}: ${offers[1][key]}`);
    }
    if (agreed) lines.push(`DEBUG: ${chosen}: ${agreed[key] || '<implicit>'}`);
  }
  return lines;
}

module.exports = { kexDebugLines };
