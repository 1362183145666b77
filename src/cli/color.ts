// Colour only on a TTY and never with NO_COLOR (https://no-color.org).
const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;
export type ColorName = keyof typeof CODES;

export function useColor(stream: NodeJS.WritableStream & { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

export function paint(text: string, color: ColorName, enabled: boolean): string {
  return enabled ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
