import { status as GrpcStatus } from '@grpc/grpc-js';
import { isPersistenceError } from '@hourglass/core';

/** An error that the gRPC layer turns into a status with this code and message. */
export class RpcError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
    /** Optional google.rpc.Status details (already encoded), e.g. WorkflowExecutionAlreadyStartedFailure. */
    readonly details?: { typeName: string; value: object },
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidArgument = (message: string): RpcError => new RpcError(GrpcStatus.INVALID_ARGUMENT, message);
export const notFound = (message: string, details?: RpcError['details']): RpcError => new RpcError(GrpcStatus.NOT_FOUND, message, details);
export const alreadyExists = (message: string, details?: RpcError['details']): RpcError =>
  new RpcError(GrpcStatus.ALREADY_EXISTS, message, details);
export const failedPrecondition = (message: string): RpcError => new RpcError(GrpcStatus.FAILED_PRECONDITION, message);
export const unimplemented = (message: string): RpcError => new RpcError(GrpcStatus.UNIMPLEMENTED, message);
export const unavailable = (message: string): RpcError => new RpcError(GrpcStatus.UNAVAILABLE, message);

/** Maps any thrown value onto a gRPC status; persistence errors keep their meaning. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (isPersistenceError(err)) {
    switch (err.code) {
      case 'NOT_FOUND':
        return new RpcError(GrpcStatus.NOT_FOUND, err.message);
      case 'ALREADY_EXISTS':
        return new RpcError(GrpcStatus.ALREADY_EXISTS, err.message);
      case 'INVALID_PERSISTENCE_REQUEST':
        return new RpcError(GrpcStatus.INVALID_ARGUMENT, err.message);
      case 'TIMEOUT':
      case 'UNAVAILABLE':
      case 'SHARD_OWNERSHIP_LOST':
        return new RpcError(GrpcStatus.UNAVAILABLE, err.message);
      default:
        return new RpcError(GrpcStatus.INTERNAL, err.message);
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError(GrpcStatus.INTERNAL, message);
}
