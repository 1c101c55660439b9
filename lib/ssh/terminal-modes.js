// @ts-check
'use strict';
// Encoded terminal modes (RFC 4254 section 8) <-> 0.4.10's object keyed by
// mode name, using constants.TERMINAL_MODE as the table of names.

const { TERMINAL_MODE } = require('../constants');

const TTY_OP_END = 0;
const IS_NUMBER = /^\d+$/;

/** { VINTR: 3, ... } -> opcode/uint32 pairs ending with TTY_OP_END. */
function modesToBytes(modes) {
  const out = [];
  for (const key of Object.keys(modes)) {
    const opcode = TERMINAL_MODE[key];
    const val = modes[key];
    if (!opcode || IS_NUMBER.test(key) || typeof val !== 'number' || key === 'TTY_OP_END') continue;
    out.push(opcode, (val >>> 24) & 0xff, (val >>> 16) & 0xff, (val >>> 8) & 0xff, val & 0xff);
  }
  out.push(TTY_OP_END);
  return Buffer.from(out);
}

/** Encoded modes -> { NAME: value }; stops at TTY_OP_END, an unknown opcode or a short entry. */
function modesFromBytes(buf) {
  const modes = {};
  for (let i = 0; i + 5 <= buf.length; i += 5) {
    const opcode = buf[i];
    const name = TERMINAL_MODE[opcode];
    if (opcode === TTY_OP_END || name === undefined) break;
    modes[name] = buf.readUInt32BE(i + 1);
  }
  return modes;
}

module.exports = { modesToBytes, modesFromBytes };
