import { fullMessage } from './locale.js';
import type { Language } from './locale.js';

/** ActiveModel's validators as the cluster-agent models use them, each giving its full messages in the caller's language. */

/** String#blank?: nil, or only `[[:space:]]` (Unicode White_Space, which the BOM is not). */
export const isBlank = (value: string | null | undefined): boolean => value === null || value === undefined || /^\p{White_Space}*$/u.test(value);

/** Characters as Ruby and Postgres count them: code points, not UTF-16 units. */
export const characters = (value: string): number => [...value].length;

/** `presence: true` */
export const presence = (language: Language, attribute: string, value: string | null | undefined): string[] =>
  isBlank(value) ? [fullMessage(language, attribute, "can't be blank")] : [];

/** `length: { maximum: }` */
export const maximumLength = (language: Language, attribute: string, value: string | null | undefined, maximum: number): string[] =>
  value !== null && value !== undefined && characters(value) > maximum ? [fullMessage(language, attribute, 'is too long (maximum is %{count} characters)', { count: maximum })] : [];
