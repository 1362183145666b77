// The list of subcommands: each file registers one on the commander program.
import type { Command } from 'commander';
import { registerDoctor } from './doctor.js';
import { registerWatch } from './watch.js';
import { registerSysctl } from './sysctl.js';
import { registerNetns } from './netns.js';
import { registerTop } from './top.js';
import { registerRecord } from './record.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';
import { registerDemo } from './demo.js';
import { registerServe } from './serve.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerDoctor, registerWatch, registerSysctl, registerNetns, registerTop, registerRecord, registerReplay, registerReport, registerDemo, registerServe];
