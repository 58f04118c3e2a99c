import { isPersistenceError } from '@hourglass/core';
import type { HttpMethod, SearchHttpClient, SearchHttpResponse, SearchRequest } from '@hourglass/schema-tool';
import { persistenceErrorFor, persistenceErrorForTransport } from './errors.js';

/**
 * Sends one request and returns the answer when its status is acceptable; every other outcome
 * becomes a typed PersistenceError.
 */
export async function send(
  client: SearchHttpClient,
  operation: string,
  method: HttpMethod,
  path: string,
  request: SearchRequest = {},
  acceptable: (status: number) => boolean = (status) => status >= 200 && status < 300,
): Promise<SearchHttpResponse> {
  let response: SearchHttpResponse;
  try {
    response = await client.request(method, path, request);
  } catch (err) {
    throw isPersistenceError(err) ? err : persistenceErrorForTransport(operation, err);
  }
  if (!acceptable(response.status)) throw persistenceErrorFor(operation, response);
  return response;
}
