/**
 * A small JSON-over-HTTP client for Elasticsearch and OpenSearch. The REST calls Hourglass
 * needs are the same on ES 6.8 through 8.x and OpenSearch, while the official clients are not:
 * the ES 7.14+ and 8.x clients refuse servers that are not Elasticsearch of their own major,
 * so one fetch-based client, parameterised by the detected server, serves every target.
 */
export interface SearchHttpOptions {
  /** Base URL, e.g. http://127.0.0.1:9200 (a path prefix is kept). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Per-request timeout; defaults to 30 s. */
  readonly timeoutMs?: number;
}

export interface SearchHttpResponse {
  readonly status: number;
  /** Parsed JSON, or the raw text when the server did not answer JSON; undefined for HEAD. */
  readonly body: unknown;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

export interface SearchRequest {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** Newline-delimited JSON lines (the _bulk format); mutually exclusive with `body`. */
  readonly ndjson?: readonly unknown[];
}

/** The request never reached an answer: connection refused, DNS failure, reset, or timeout. */
export class SearchTransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class SearchHttpClient {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: SearchHttpOptions) {
    this.baseUrl = options.url.endsWith('/') ? options.url : `${options.url}/`;
    this.authorization =
      options.username === undefined ? undefined : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async request(method: HttpMethod, path: string, request: SearchRequest = {}): Promise<SearchHttpResponse> {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization !== undefined) headers['authorization'] = this.authorization;
    let body: string | undefined;
    if (request.ndjson !== undefined) {
      headers['content-type'] = 'application/x-ndjson';
      body = request.ndjson.map((line) => `${JSON.stringify(line)}\n`).join('');
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : describeFetchFailure(err);
      throw new SearchTransportError(`${method} ${url.pathname}: ${reason}`, timedOut, { cause: err });
    }
    if (method === 'HEAD') {
      await response.body?.cancel();
      return { status: response.status, body: undefined };
    }
    const text = await response.text();
    let parsed: unknown = text;
    if (text.length > 0 && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed };
  }
}

/** fetch wraps socket errors (ECONNREFUSED, ...) in a TypeError whose cause names them. */
function describeFetchFailure(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? ` (${cause.message})` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

/** The `error.type` and `error.reason` of an Elasticsearch error body, when it has them. */
export function searchErrorOf(body: unknown): { readonly type: string; readonly reason: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return { type: 'error', reason: error };
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { type?: unknown; reason?: unknown; root_cause?: unknown };
  const type = typeof e.type === 'string' ? e.type : 'error';
  let reason = typeof e.reason === 'string' ? e.reason : '';
  const root = Array.isArray(e.root_cause) ? (e.root_cause[0] as { reason?: unknown } | undefined) : undefined;
  if (root && typeof root.reason === 'string' && root.reason !== reason) reason = reason ? `${reason}: ${root.reason}` : root.reason;
  return { type, reason };
}

export function describeSearchResponse(response: SearchHttpResponse): string {
  const error = searchErrorOf(response.body);
  if (error) return `HTTP ${response.status} ${error.type}: ${error.reason}`;
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
}
