import type { ServiceDefinition, UntypedHandleCall, UntypedServiceImplementation, ServerUnaryCall, sendUnaryData, ServerWritableStream, Metadata } from '@grpc/grpc-js';
import { status as GrpcStatus, Metadata as GrpcMetadata } from '@grpc/grpc-js';
import { decodeMessage, encodeMessage, protoService, protoType } from './proto.js';
import type { ProtoType } from './proto.js';
import { invalidArgument, toRpcError } from './rpc-error.js';
import type { RpcError } from './rpc-error.js';

/** What a handler learns about the call besides its request. */
export interface CallContext {
  readonly method: string;
  readonly metadata: Metadata;
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  readonly requestBytes: number;
  /** The caller's deadline in epoch ms, when it set one. */
  readonly deadlineMs: number | undefined;
}

export type UnaryHandler = (request: never, ctx: CallContext) => Promise<object>;
export type StreamHandler = (request: never, ctx: CallContext, write: (message: object) => void) => Promise<void>;

export interface ServiceHandlers {
  readonly unary: Record<string, UnaryHandler>;
  readonly streaming?: Record<string, StreamHandler>;
}

export interface ServiceHooks {
  /** `cause` is what the handler threw, kept for logs (its stack), before mapping to a status. */
  onError?(method: string, err: RpcError, cause: unknown): void;
  /** Called after every successful call, e.g. for a debug access log. */
  onSuccess?(method: string, durationMs: number): void;
  /** Runs on every decoded request before its handler; throwing rejects the call (e.g. an oversized payload). */
  admit?(ctx: CallContext, request: object): void;
  /** Aborted when the server starts shutting down: long polls then answer empty at once. */
  stopping?: AbortSignal;
  /** Tracks in-flight calls so shutdown can drain them. */
  track?<T>(work: Promise<T>): Promise<T>;
}

const passThrough = {
  serialize: (value: Buffer): Buffer => value,
  deserialize: (value: Buffer): Buffer => value,
};

function statusDetailsMetadata(err: RpcError): GrpcMetadata | undefined {
  if (!err.details) return undefined;
  const detail = encodeMessage(protoType(err.details.typeName), err.details.value);
  const status = protoType('google.rpc.Status');
  const bin = encodeMessage(status, {
    code: err.code,
    message: err.message,
    details: [{ type_url: `type.googleapis.com/${err.details.typeName}`, value: detail }],
  });
  const md = new GrpcMetadata();
  md.set('grpc-status-details-bin', Buffer.from(bin));
  return md;
}

function toServiceError(err: unknown): { code: GrpcStatus; details: string; metadata?: GrpcMetadata } {
  const rpc = toRpcError(err);
  const metadata = statusDetailsMetadata(rpc);
  return metadata ? { code: rpc.code, details: rpc.message, metadata } : { code: rpc.code, details: rpc.message };
}

function contextFor(method: string, call: ServerUnaryCall<Buffer, Buffer> | ServerWritableStream<Buffer, Buffer>, stopping?: AbortSignal): CallContext {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort());
  if (stopping) {
    if (stopping.aborted) controller.abort();
    const onStop = (): void => controller.abort();
    stopping.addEventListener('abort', onStop, { once: true });
    controller.signal.addEventListener('abort', () => stopping.removeEventListener('abort', onStop));
    call.on('finish', () => stopping.removeEventListener('abort', onStop));
  }
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  if (Number.isFinite(deadlineMs) && deadlineMs > 0) {
    const timer = setTimeout(() => controller.abort(), Math.max(0, deadlineMs - Date.now()));
    timer.unref();
    controller.signal.addEventListener('abort', () => clearTimeout(timer));
  }
  return {
    method,
    metadata: call.metadata,
    signal: controller.signal,
    requestBytes: call.request.byteLength,
    deadlineMs: Number.isFinite(deadlineMs) && deadlineMs > 0 ? deadlineMs : undefined,
  };
}

function decodeRequest(type: ProtoType, bytes: Buffer): object {
  try {
    return decodeMessage<object>(type, bytes);
  } catch (err) {
    throw invalidArgument(`malformed ${type.fullName}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Builds a grpc-js service from the protobufjs reflection of `serviceName`. Methods without a
 * handler answer UNIMPLEMENTED at once, so no client ever waits on an unsupported call.
 */
export function buildService(
  serviceName: string,
  handlers: ServiceHandlers,
  hooks: ServiceHooks = {},
): { definition: ServiceDefinition; implementation: UntypedServiceImplementation } {
  const service = protoService(serviceName);
  const definition: Record<string, ServiceDefinition[string]> = {};
  const implementation: UntypedServiceImplementation = {};
  const track = hooks.track ?? (<T>(work: Promise<T>) => work);

  for (const [name, rawMethod] of Object.entries(service.methods)) {
    const method = rawMethod.resolve();
    const requestType = method.resolvedRequestType!;
    const responseType = method.resolvedResponseType!;
    const streaming = method.responseStream === true;
    definition[name] = {
      path: `/${serviceName}/${name}`,
      requestStream: false,
      responseStream: streaming,
      requestSerialize: passThrough.serialize,
      requestDeserialize: passThrough.deserialize,
      responseSerialize: passThrough.serialize,
      responseDeserialize: passThrough.deserialize,
    };
    const fail = (err: unknown): ReturnType<typeof toServiceError> => {
      const e = toServiceError(err);
      hooks.onError?.(`${serviceName}/${name}`, toRpcError(err), err);
      return e;
    };

    if (streaming) {
      const handler = handlers.streaming?.[name];
      implementation[name] = ((call: ServerWritableStream<Buffer, Buffer>) => {
        if (!handler) {
          call.destroy(Object.assign(new Error(`${serviceName}/${name} is not implemented`), { code: GrpcStatus.UNIMPLEMENTED }));
          return;
        }
        const ctx = contextFor(name, call, hooks.stopping);
        void track(
          (async () => {
            try {
              const request = decodeRequest(requestType, call.request);
              hooks.admit?.(ctx, request);
              await handler(request as never, ctx, (message) => call.write(Buffer.from(encodeMessage(responseType, message))));
              call.end();
            } catch (err) {
              const e = fail(err);
              call.destroy(Object.assign(new Error(e.details), e));
            }
          })(),
        );
      }) as UntypedHandleCall;
      continue;
    }

    const handler = handlers.unary[name];
    implementation[name] = ((call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      if (!handler) {
        callback({ code: GrpcStatus.UNIMPLEMENTED, details: `${serviceName}/${name} is not implemented by this server` });
        return;
      }
      const ctx = contextFor(name, call, hooks.stopping);
      void track(
        (async () => {
          try {
            const request = decodeRequest(requestType, call.request);
            hooks.admit?.(ctx, request);
            const startedMs = Date.now();
            const response = await handler(request as never, ctx);
            callback(null, Buffer.from(encodeMessage(responseType, response)));
            hooks.onSuccess?.(`${serviceName}/${name}`, Date.now() - startedMs);
          } catch (err) {
            callback(fail(err));
          }
        })(),
      );
    }) as UntypedHandleCall;
  }
  return { definition, implementation };
}
