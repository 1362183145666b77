// One entry point per output format of `tcpscope advise`.
import { renderDocker, renderK8s, renderSysctlD } from './render-files.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import type { AdviceReport } from './report.js';

export const ADVICE_FORMATS = ['text', 'markdown', 'json', 'sysctl.d', 'docker', 'k8s'] as const;
export type AdviceFormat = (typeof ADVICE_FORMATS)[number];

export function renderAdvice(r: AdviceReport, format: AdviceFormat): string {
  switch (format) {
    case 'text':
      return renderText(r);
    case 'markdown':
      return renderMarkdown(r);
    case 'json':
      return `${JSON.stringify(r, null, 2)}\n`;
    case 'sysctl.d':
      return renderSysctlD(r);
    case 'docker':
      return renderDocker(r);
    case 'k8s':
      return renderK8s(r);
  }
}
