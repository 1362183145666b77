// Public face of the recording sink (recorder, reader, format, reports): what the CLI, the dashboard (r key, --record) and library users import.
export {
  createRecorder,
  type Recorder,
  type RecorderOptions,
  type RecordingSummary,
  type RecordingEndReason,
} from './recorder.js';
export { readRecording, type RecordingReader, type ReadStats, type ReadOptions } from './reader.js';
export {
  ReportBuilder,
  type IncidentReport,
  type ReportFinding,
  type ReportListener,
  type Episode,
  type TimelineEvent,
} from './report.js';
export { renderReport, renderText, renderMarkdown, type ReportFormat } from './report-render.js';
export {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  MAX_LINE_BYTES,
  type RecordingHeader,
  type RecordingEntry,
} from './format.js';
export { parsePosition, parseSpeed } from './position.js';
export { demoRecordingPath } from './demo.js';
