/** `bp decode`: decodes bp frames from hex, stdin or a capture, without Wireshark. */
import type { Command } from '../command.js';

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode bp frames from hex, standard input or a pcap/pcapng capture',
  help: 'Usage: bp decode\n',
  options: {},
  async run() {
    return 0;
  },
};
