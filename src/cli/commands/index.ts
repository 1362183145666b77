// The list of subcommands: each file registers one on the commander program.
import type { Command } from 'commander';
import { registerDoctor } from './doctor.js';
import { registerSysctl } from './sysctl.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerDoctor, registerSysctl];
