/**
 * GitLab answers in the caller's `preferred_language` (lib/api/helpers.rb
 * sets the locale per request): service messages go through `s_()`
 * (locale/<lang>/gitlab.po), model errors through Rails I18n
 * (config/locales/<lang>.yml, and validate_url's own locale files). The
 * agent-name format, PEM and `tls_host` messages are literal English in
 * GitLab's validators and are never translated, so they are not here.
 * A language GitLab has no translation for falls back to English.
 */

/** The message templates this simulator can say, in English: `%{count}` is interpolated. */
export type Template =
  | 'An agent can have only two active tokens at a time'
  | 'URL configuration already exists for this agent'
  | "can't be blank"
  | 'is too long (maximum is %{count} characters)'
  | 'has already been taken'
  | 'is not a valid URL';

/** locale/de/gitlab.po, config/locales/de.yml and validate_url's de.yml. */
const CATALOGUES: Record<string, Record<Template, string>> = {
  de: {
    'An agent can have only two active tokens at a time': 'Ein Agent kann jeweils nur zwei aktive Token haben',
    'URL configuration already exists for this agent': 'Für diesen Agenten ist bereits eine URL-Konfiguration vorhanden',
    "can't be blank": 'muss ausgefüllt werden',
    'is too long (maximum is %{count} characters)': 'ist zu lang (mehr als %{count} Zeichen)',
    'has already been taken': 'ist bereits vergeben',
    'is not a valid URL': 'ist keine gültige URL',
  },
};

/** A user's `preferred_language` (`en` when unset), as GitLab keeps it: `de`, `pt_BR`, …. */
export type Language = string | undefined;

/** `s_()` / `I18n.t`: the template in `language`, with `%{…}` filled in. */
export function translate(language: Language, template: Template, values: Record<string, string | number> = {}): string {
  const text = CATALOGUES[language ?? 'en']?.[template] ?? template;
  return text.replace(/%\{(\w+)\}/g, (_, key: string) => String(values[key]));
}

/** `errors.full_messages`: the attribute's human name, untranslated in GitLab, then the translated message. */
export function fullMessage(language: Language, attribute: string, template: Template, values?: Record<string, string | number>): string {
  return `${attribute} ${translate(language, template, values)}`;
}
