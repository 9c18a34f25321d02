import type { EmulatorContext } from '../emulator-context.js';
import { html, page, type RawHtml } from '../http/html.js';
import type { OAuthClientRecord } from '../world/records.js';

/**
 * A URL that may be shown inside a single-quoted shell argument: absolute http(s), no quote, no
 * space, no control character. Anything else is replaced by a placeholder in the suggested
 * command, so that a crafted link cannot put a command into what a developer copies.
 */
const SHELL_SAFE_URL_RE = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

/** A received value as a JSON string literal, so that control characters show as escapes. */
function shown(value: string | null | undefined): RawHtml {
  if (value === undefined) return html`<span class="muted">(not sent)</span>`;
  if (value === null) return html`<span class="muted">(sent more than once)</span>`;
  return html`<code>${JSON.stringify(value)}</code>`;
}

/**
 * The page of an authorization request the emulator cannot redirect back: an unknown `client_id`,
 * or a `redirect_uri` missing or not registered for the client. It shows what was received, what
 * is registered, and the three ways to register a redirect URI. Every value is HTML-escaped text
 * content: none is placed into an attribute, a link or a script.
 */
export function unregisteredPage(
  app: EmulatorContext,
  clientId: string | null | undefined,
  redirectUri: string | null | undefined,
  client: OAuthClientRecord | undefined,
): string {
  const message =
    client === undefined
      ? 'Unknown client_id: this application is not registered.'
      : 'The redirect_uri is missing or is not registered for this application.';
  const registered =
    client === undefined
      ? html`<p>Registered client ids:</p>
<ul id="error-registered-clients">${[...app.world.clients.keys()].map((id) => html`<li><code>${id}</code></li>`)}</ul>`
      : html`<p>Redirect URIs registered for <code>${client.clientId}</code> (an exact match is required):</p>
<ul id="error-registered-uris">${client.redirectUris.map((uri) => html`<li><code>${uri}</code></li>`)}</ul>`;
  const uri =
    typeof redirectUri === 'string' && SHELL_SAFE_URL_RE.test(redirectUri)
      ? redirectUri
      : 'http://127.0.0.1:3000/callback';
  const target = encodeURIComponent(client?.clientId ?? 'emulator-client').replace(/'/g, '%27');
  const endpoint = `${app.baseUrl()}/admin/api/oauth-clients/${target}/redirect-uris`;
  const command = `curl -X POST '${endpoint.replace(/'/g, '%27')}' -H 'content-type: application/json' -d '{"uri":"${uri}"}'`;
  return page(
    'Sign-in error',
    html`<div class="card"><p class="error" id="error-message">${message}</p>
<p>Received <code>client_id</code>: <span id="error-received-client-id">${shown(clientId)}</span><br>
Received <code>redirect_uri</code>: <span id="error-received-redirect-uri">${shown(redirectUri)}</span></p>
${registered}</div>
<div class="card" id="error-how-to-register"><p>To register a redirect URI with the emulator:</p>
<ul>
<li>at start: <code>neverlose-emulator --redirect-uri '${uri}'</code> (adds it to every OAuth client; repeatable);</li>
<li>in the config file (<code>--config FILE</code>): <code>oauthClients[].redirectUris</code>;</li>
<li>while it runs, through the admin API:<pre>${command}</pre></li>
</ul></div>`,
  );
}
