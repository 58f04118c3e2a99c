import { createRequire } from 'node:module';

/**
 * The protobufjs reflection root shipped by @temporalio/proto. We only need a few of its
 * methods, so we describe them here instead of depending on protobufjs' typings.
 */
export interface ProtoType {
  readonly fullName: string;
  decode(data: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: object): object;
  toObject(message: object, options: Record<string, unknown>): object;
}

export interface ProtoMethod {
  readonly name: string;
  readonly requestType: string;
  readonly responseType: string;
  readonly responseStream?: boolean;
  resolve(): ProtoMethod;
  readonly resolvedRequestType: ProtoType | null;
  readonly resolvedResponseType: ProtoType | null;
}

export interface ProtoService {
  readonly fullName: string;
  readonly methods: Record<string, ProtoMethod>;
}

interface ProtoRoot {
  lookupType(name: string): ProtoType;
  lookupService(name: string): ProtoService;
}

const require = createRequire(import.meta.url);
const root = require('@temporalio/proto/protos/root.js') as ProtoRoot;

const typeCache = new Map<string, ProtoType>();

export function protoType(fullName: string): ProtoType {
  let t = typeCache.get(fullName);
  if (!t) {
    t = root.lookupType(fullName);
    typeCache.set(fullName, t);
  }
  return t;
}

export function protoService(fullName: string): ProtoService {
  return root.lookupService(fullName);
}

const TO_OBJECT = { longs: Number, enums: Number, defaults: false, arrays: false };

/** Decodes to a plain object: int64 as number, enums as numbers, absent fields undefined. */
export function decodeMessage<T>(type: ProtoType, data: Uint8Array): T {
  return type.toObject(type.decode(data), TO_OBJECT) as T;
}

export function encodeMessage(type: ProtoType, value: object): Uint8Array {
  return type.encode(type.fromObject(value)).finish();
}

/** Round-trips a plain object through a type, dropping unknown fields and normalising numbers. */
export function encodeByName(fullName: string, value: object): Uint8Array {
  return encodeMessage(protoType(fullName), value);
}

export function decodeByName<T>(fullName: string, data: Uint8Array): T {
  return decodeMessage<T>(protoType(fullName), data);
}
