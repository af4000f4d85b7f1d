// Checks Discord applies to bulk-overwritten application commands.
//
// A command definition Discord rejects makes deployment fail in production;
// the double rejects the same definitions with the same kind of 400 so a test
// that deploys commands against it catches the mistake. Rules from the
// "Application Commands" documentation (naming, lengths, counts, ordering).

import type { ApiError } from './body.ts';
import type { Json } from './payloads.ts';

// Chat-input command and option names: 1-32 chars of letters, numbers, `-`, `_`, `'`
// (plus Devanagari and Thai), and lowercase where the letter has a lowercase form.
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function invalid(path: (string | number)[], code: string, message: string): ApiError {
  let errors: Json = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [String(key)]: errors };
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };
}

function checkName(name: unknown, path: (string | number)[]): ApiError | null {
  if (typeof name !== 'string' || !CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase()) {
    return invalid([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
  return null;
}

function checkDescription(description: unknown, path: (string | number)[]): ApiError | null {
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    return invalid([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
  return null;
}

function checkOptions(options: unknown, path: (string | number)[]): ApiError | null {
  if (options === undefined || options === null) return null;
  if (!Array.isArray(options)) return invalid([...path, 'options'], 'LIST_TYPE_CONVERT', 'Must be an array.');
  if (options.length > 25) return invalid([...path, 'options'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const seen = new Set<string>();
  let sawOptional = false;
  for (const [i, raw] of options.entries()) {
    const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
    const at = [...path, 'options', i];
    const nameError = checkName(o['name'], at) ?? checkDescription(o['description'], at);
    if (nameError) return nameError;
    const name = o['name'] as string;
    if (seen.has(name)) {
      return invalid(at, 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique');
    }
    seen.add(name);
    const type = o['type'];
    if (typeof type !== 'number' || type < 1 || type > 11) {
      return invalid([...at, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of (1..11).');
    }
    if (type === 1 || type === 2) {
      // Sub-commands and groups nest their own options.
      const nested = checkOptions(o['options'], at);
      if (nested) return nested;
      continue;
    }
    if (o['required'] === true && sawOptional) {
      return invalid(at, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    }
    if (o['required'] !== true) sawOptional = true;
    const choices = o['choices'];
    if (Array.isArray(choices) && choices.length > 25) {
      return invalid([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
    if (Array.isArray(choices) && choices.length > 0 && o['autocomplete'] === true) {
      return invalid([...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES', 'Autocomplete cannot be set with choices');
    }
  }
  return null;
}

/** Validates a bulk-overwrite body; returns the Discord error or null. */
export function checkCommands(body: unknown): ApiError | null {
  if (!Array.isArray(body)) return invalid([], 'LIST_TYPE_CONVERT', 'Must be an array.');
  if (body.length > 100) return invalid([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  const seen = new Set<string>();
  for (const [i, raw] of body.entries()) {
    const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
    const type = typeof c['type'] === 'number' ? c['type'] : 1;
    const key = `${type}:${String(c['name'])}`;
    if (seen.has(key)) {
      return invalid([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    }
    seen.add(key);
    if (type === 1) {
      const e = checkName(c['name'], [i]) ?? checkDescription(c['description'], [i]) ?? checkOptions(c['options'], [i]);
      if (e) return e;
    } else if (typeof c['name'] !== 'string' || c['name'].length < 1 || c['name'].length > 32) {
      return invalid([i, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
    }
  }
  return null;
}
