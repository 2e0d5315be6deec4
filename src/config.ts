/**
 * Where the plugin finds its Functions service and who may use it.
 *
 * Two sources, highest precedence first:
 * 1. Flex UI attributes (`manager.serviceConfiguration.ui_attributes.stuck_tasks`), editable per account
 *    at runtime through the Flex Configuration API, so an admin can repoint or re-gate the plugin
 *    without a rebuild:
 *    `{ "stuck_tasks": { "service_url": "https://…twil.io", "allowed_roles": ["admin", "supervisor"] } }`
 *    (`allowed_roles` may also be a comma-separated string).
 * 2. Build variables baked in by `flex-plugin build` (from the shell or `.env`):
 *    `FLEX_APP_STUCK_TASKS_SERVICE_URL`, `FLEX_APP_STUCK_TASKS_ALLOWED_ROLES` (comma-separated).
 * Then the defaults: no service URL (the view explains how to set one) and roles `admin`.
 * The service URL must be `https://`, or `http://` to a loopback host (local testing): each request
 * carries the user's Flex token.
 */

export const DEFAULT_ALLOWED_ROLES: readonly string[] = ['admin'];

/** The key under `ui_attributes` that holds this plugin's settings. */
export const UI_ATTRIBUTES_KEY = 'stuck_tasks';

export interface PluginConfig {
  /** Base URL of the Functions service, without a trailing slash; null when not configured. */
  serviceUrl: string | null;
  allowedRoles: string[];
  /** Human-readable reasons why a configured value was ignored, for the admin who set it. */
  problems: string[];
}

export interface BuildVariables {
  serviceUrl?: string;
  allowedRoles?: string;
}

/**
 * The `FLEX_APP_*` build variables. flex-plugin-scripts replaces `process.env` with a literal object
 * holding only `FLEX_APP_*`/`REACT_APP_*` variables, so each one must be read with a static member
 * access (a computed key would not be replaced).
 */
export function readBuildVariables(): BuildVariables {
  return {
    serviceUrl: process.env.FLEX_APP_STUCK_TASKS_SERVICE_URL,
    allowedRoles: process.env.FLEX_APP_STUCK_TASKS_ALLOWED_ROLES,
  };
}

export function readPluginConfig(uiAttributes: unknown, buildVariables: BuildVariables): PluginConfig {
  const problems: string[] = [];
  const fromFlex = readUiAttributes(uiAttributes, problems);

  const serviceUrl = parseServiceUrl(fromFlex.serviceUrl ?? buildVariables.serviceUrl, problems);
  const parsedRoles = parseRoles(fromFlex.allowedRoles ?? buildVariables.allowedRoles, problems);

  return { serviceUrl, allowedRoles: parsedRoles ?? [...DEFAULT_ALLOWED_ROLES], problems };
}

export function hasAllowedRole(userRoles: readonly string[] | undefined, allowedRoles: readonly string[]): boolean {
  return (userRoles ?? []).some((role) => allowedRoles.includes(role));
}

interface RawSettings {
  serviceUrl?: string;
  allowedRoles?: unknown;
}

function readUiAttributes(uiAttributes: unknown, problems: string[]): RawSettings {
  if (!isRecord(uiAttributes) || uiAttributes[UI_ATTRIBUTES_KEY] === undefined) {
    return {};
  }
  const section = uiAttributes[UI_ATTRIBUTES_KEY];
  if (!isRecord(section)) {
    problems.push(`ui_attributes.${UI_ATTRIBUTES_KEY} must be an object; it was ignored.`);
    return {};
  }
  const settings: RawSettings = {};
  const url = section.service_url;
  if (typeof url === 'string' && url.trim() !== '') {
    settings.serviceUrl = url;
  } else if (url !== undefined) {
    problems.push(`ui_attributes.${UI_ATTRIBUTES_KEY}.service_url must be a URL string; it was ignored.`);
  }
  if (section.allowed_roles !== undefined) {
    settings.allowedRoles = section.allowed_roles;
  }
  return settings;
}

function parseServiceUrl(value: string | undefined, problems: string[]): string | null {
  const trimmed = value?.trim();
  if (!trimmed) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    problems.push(`The service URL "${trimmed}" is not a valid URL.`);
    return null;
  }
  // Every call carries the user's Flex token, so it may travel in cleartext only to this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    problems.push(
      `The service URL "${trimmed}" must start with https:// (http:// is accepted only for this machine: ` +
        'localhost, 127.0.0.0/8 or [::1]), because every request carries your Flex token; it was ignored.',
    );
    return null;
  }
  return trimmed.replace(/\/+$/, '');
}

/**
 * Whether a host names this machine: `localhost`, 127.0.0.0/8 or ::1. Takes `URL.hostname`, which the
 * URL parser has already canonicalised (lower case, `127.1` and `0x7f.1` as `127.0.0.1`, `[0::1]` as
 * `[::1]`), so other spellings of those addresses are covered and nothing else matches.
 */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parseRoles(value: unknown, problems: string[]): string[] | null {
  if (value === undefined) {
    return null;
  }
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (items === null || items.some((item) => typeof item !== 'string')) {
    problems.push('Allowed roles must be a list of role names or a comma-separated string; using the default.');
    return null;
  }
  const roles = (items as string[]).map((role) => role.trim()).filter((role) => role !== '');
  if (roles.length === 0) {
    problems.push('Allowed roles is empty; using the default.');
    return null;
  }
  return roles;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
