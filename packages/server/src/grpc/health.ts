import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceDefinition, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { decodeByName, encodeByName } from './proto.js';

const SERVING = 1;
const NOT_SERVING = 2;

/** The service names a Temporal frontend answers health checks for; '' is the whole server. */
const SERVICES = new Set(['', 'temporal.api.workflowservice.v1.WorkflowService', 'temporal.api.operatorservice.v1.OperatorService']);

/**
 * grpc.health.v1.Health/Check: SERVING while the server runs, NOT_SERVING once it is shutting
 * down (so probes stop sending traffic), NOT_FOUND for service names this server does not have.
 */
export function healthService(isServing: () => boolean): { definition: ServiceDefinition; implementation: Record<string, unknown> } {
  const pass = (b: Buffer): Buffer => b;
  const definition: ServiceDefinition = {
    Check: {
      path: '/grpc.health.v1.Health/Check',
      requestStream: false,
      responseStream: false,
      requestSerialize: pass,
      requestDeserialize: pass,
      responseSerialize: pass,
      responseDeserialize: pass,
    },
  };
  return {
    definition,
    implementation: {
      Check(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
        let service: string;
        try {
          service = decodeByName<{ service?: string }>('grpc.health.v1.HealthCheckRequest', call.request).service ?? '';
        } catch {
          callback({ code: GrpcStatus.INVALID_ARGUMENT, details: 'malformed grpc.health.v1.HealthCheckRequest' });
          return;
        }
        if (!SERVICES.has(service)) {
          callback({ code: GrpcStatus.NOT_FOUND, details: `unknown service ${service}` });
          return;
        }
        callback(null, Buffer.from(encodeByName('grpc.health.v1.HealthCheckResponse', { status: isServing() ? SERVING : NOT_SERVING })));
      },
    },
  };
}
