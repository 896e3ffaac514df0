/**
 * History ⇄ proto JSON (the format of `temporal workflow show --output json`).
 *
 * The SDK's own `historyToJSON` / `historyFromJSON` (@temporalio/common/lib/proto-utils)
 * fail in this install with "type must be a Type": @temporalio/common and @temporalio/proto
 * each carry their own copy of protobufjs 8.8.1, and the JSON codec of one does not accept the
 * message types of the other. So the same conversion is done here with the protobufjs copy
 * that @temporalio/proto's types belong to. (`npm dedupe` would let the SDK's functions work;
 * they are tried first.)
 */
import { createRequire } from 'node:module';
import * as sdk from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
const protoRequire = createRequire(require.resolve('@temporalio/proto'));
const protojson = protoRequire('protobufjs/ext/protojson') as {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJSON(history: History): string {
  try {
    return sdk.historyToJSON(history as never);
  } catch {
    return JSON.stringify(protojson.toJson(historyType, history), null, 2);
  }
}

export function historyFromJSON(json: unknown): History {
  try {
    return sdk.historyFromJSON(json);
  } catch {
    return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
  }
}
