// Asking in plain words: the public API for transports (console, Discord).
export { notUnderstoodLine, notUnderstoodView, type Answer } from './answer.ts';
export { cleanQuestion, urlKey, type CleanQuestion } from './clean.ts';
export { looserReadings } from './loosen.ts';
export { ConversationStore, DEFAULT_MAX_THREADS, DEFAULT_TTL_MS, type ConversationMemory, type ConversationOptions } from './conversation.ts';
export { refine } from './refine.ts';
export { understand } from './understand.ts';
export type {
  AskArgs,
  AskCommand,
  AskContext,
  DateReading,
  DuringReading,
  NotUnderstood,
  Reading,
  Understanding,
  Understood,
  Vocabulary,
} from './types.ts';
