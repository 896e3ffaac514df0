import crypto from 'node:crypto';
import type {
  DataConverter,
  LoadedDataConverter,
  Payload,
  PayloadCodec,
  SerializationContext,
} from '@temporalio/common';
import { defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CaseKeyDestroyedError, CaseKeySource, CaseKeyUnavailableError, isCaseWorkflowId } from './case-keys';
import type { KeyRing } from './config';
import { failureConverter } from './failure-converter';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
/** `casus`: encrypted with the case's own data key; absent (or `hoofd`): with a master key. */
export const METADATA_KEY_KIND = 'encryption-key-kind';
/** With `casus`: the workflow id (`casus-<caseNumber>`, no personal data) whose key it is. */
export const METADATA_WORKFLOW_ID = 'encryption-workflow-id';
export const KEY_KIND_CASE = 'casus';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** A payload that cannot be decrypted: unknown key id or tampered data. The message names no data. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

/** The additional authenticated data: the payload cannot be relabelled to another key or case. */
function aadOf(keyId: string, workflowId?: string): Buffer {
  return Buffer.from(workflowId === undefined ? keyId : `${KEY_KIND_CASE}\0${workflowId}\0${keyId}`, 'utf8');
}

function seal(key: Buffer, aad: Buffer, payload: Payload): Uint8Array {
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
}

function open(key: Buffer, aad: Buffer, payload: Payload, label: string): Payload {
  const data = Buffer.from(payload.data ?? new Uint8Array());
  if (data.length < IV_BYTES + TAG_BYTES)
    throw new PayloadDecryptionError('Versleutelde gegevens zijn onvolledig');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([
      decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new PayloadDecryptionError(
      `Versleutelde gegevens (${label}) zijn beschadigd of met een andere sleutel gemaakt`,
    );
  }
  return temporal.api.common.v1.Payload.decode(plain);
}

/**
 * AES-256-GCM payload codec (SPEC §6). The whole payload (metadata and data) is serialised and
 * encrypted; the outer payload carries only `encoding: binary/encrypted`, the key id and the
 * cipher name, bound as additional authenticated data.
 *
 * With a case key store (`caseKeys`), the payloads of a case workflow (the SDK's serialization
 * context names it: `casus-<caseNumber>`) are encrypted with that case's own data key, and the
 * outer payload also says `encryption-key-kind: casus` and the workflow id, so a decoder without
 * context (the codec endpoint of the Web UI) finds the key. Destroying that key (retention) makes
 * every copy of the case's payloads unreadable. Payloads of other workflows (the retention run),
 * and all payloads when there is no store, use the ring's current master key.
 * Payloads that are not encrypted (written before encryption was switched on) pass through;
 * payloads under a master key (written before the case keys) still decode.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly ring: KeyRing,
    private readonly caseKeys?: CaseKeySource,
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.workflowId;
    if (this.caseKeys && (this.caseKeys.active?.() ?? true) && isCaseWorkflowId(workflowId)) {
      const key = await this.caseKeys.keyFor(workflowId, { create: true });
      const keyId = workflowId;
      return payloads.map((payload) => ({
        metadata: {
          [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED),
          [METADATA_KEY_KIND]: utf8(KEY_KIND_CASE),
          [METADATA_WORKFLOW_ID]: utf8(workflowId),
          [METADATA_KEY_ID]: utf8(keyId),
          [METADATA_CIPHER]: utf8(CIPHER),
        },
        data: seal(key, aadOf(keyId, workflowId), payload),
      }));
    }
    const keyId = this.ring.currentKeyId;
    const key = this.ring.keys.get(keyId)!;
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED),
        [METADATA_KEY_ID]: utf8(keyId),
        [METADATA_CIPHER]: utf8(CIPHER),
      },
      data: seal(key, aadOf(keyId), payload),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    const out: Payload[] = [];
    for (const payload of payloads) out.push(await this.decodeOne(payload));
    return out;
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCODING_ENCRYPTED) return payload;
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    if (text(payload.metadata?.[METADATA_KEY_KIND]) === KEY_KIND_CASE) {
      const workflowId = text(payload.metadata?.[METADATA_WORKFLOW_ID]);
      if (!isCaseWorkflowId(workflowId) || keyId === undefined)
        throw new PayloadDecryptionError('Versleutelde casusgegevens zonder casus of sleutel-id');
      if (!this.caseKeys) {
        throw new PayloadDecryptionError(
          `Versleutelde gegevens van ${workflowId} met de eigen sleutel van de casus: dit proces heeft geen toegang tot de casussleutels (DATABASE_URL)`,
        );
      }
      let key: Buffer;
      try {
        key = await this.caseKeys.keyFor(workflowId, { create: false });
      } catch (err) {
        if (err instanceof CaseKeyDestroyedError || err instanceof CaseKeyUnavailableError)
          throw new PayloadDecryptionError(err.message);
        throw err;
      }
      return open(key, aadOf(keyId, workflowId), payload, `sleutel van ${workflowId}`);
    }
    const key = keyId === undefined ? undefined : this.ring.keys.get(keyId);
    if (!key || keyId === undefined) {
      throw new PayloadDecryptionError(
        `Versleutelde gegevens met onbekende sleutel "${keyId ?? '?'}": zet die sleutel (weer) in CASUS_ENCRYPTION_KEYS`,
      );
    }
    return open(key, aadOf(keyId), payload, `sleutel "${keyId}"`);
  }
}

/** The failure converter module: failure messages and stack traces are encoded (encrypted) too. */
export const failureConverterPath = (): string => require.resolve('./failure-converter');

/**
 * The data converter of worker and client alike: encrypted payloads and encrypted failure
 * messages; with `caseKeys`, each case under its own data key (crypto-shredding). The worker
 * needs the failure converter by path (its workflow bundle loads it).
 */
export function casusDataConverter(ring: KeyRing, caseKeys?: CaseKeySource): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(ring, caseKeys)],
    failureConverterPath: failureConverterPath(),
  };
}

/**
 * The same data converter for a client, already loaded: no module is looked up by path at run
 * time, so the CLI also works from its bundle and its startup snapshot (docs/architecture.md).
 */
export function casusClientDataConverter(ring: KeyRing, caseKeys?: CaseKeySource): LoadedDataConverter {
  return {
    payloadConverter: defaultPayloadConverter,
    failureConverter,
    payloadCodecs: [new AesGcmPayloadCodec(ring, caseKeys)],
  };
}
