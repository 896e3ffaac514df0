/**
 * Loaded by path (`failureConverterPath`) in the worker, the workflow bundle and the client:
 * failure messages and stack traces travel as an encoded payload, so the payload codec
 * encrypts them. The failure's type (the stable error code) stays readable.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
