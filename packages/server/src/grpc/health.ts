import type { ServiceDefinition, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { decodeByName, encodeByName } from './proto.js';

const SERVING = 1;

/**
 * grpc.health.v1.Health: every service this process exposes is SERVING while it runs
 * (probes and SDK health checks call Check with an empty or a service name).
 */
export function healthService(): { definition: ServiceDefinition; implementation: Record<string, unknown> } {
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
        decodeByName('grpc.health.v1.HealthCheckRequest', call.request);
        callback(null, Buffer.from(encodeByName('grpc.health.v1.HealthCheckResponse', { status: SERVING })));
      },
    },
  };
}
