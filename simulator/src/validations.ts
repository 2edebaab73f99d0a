/** ActiveModel's validators as the cluster-agent models use them, each giving its full messages. */

/** String#blank?: nil, empty or only whitespace. */
export const isBlank = (value: string | null | undefined): boolean => value === null || value === undefined || /^\s*$/.test(value);

/** `presence: true` */
export const presence = (attribute: string, value: string | null | undefined): string[] => (isBlank(value) ? [`${attribute} can't be blank`] : []);

/** `length: { maximum: }`, counted in characters as Ruby counts them. */
export const maximumLength = (attribute: string, value: string | null | undefined, maximum: number): string[] =>
  value !== null && value !== undefined && [...value].length > maximum ? [`${attribute} is too long (maximum is ${maximum} characters)`] : [];
