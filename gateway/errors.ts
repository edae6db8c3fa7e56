/**
 * The gateway's errors, in the OpenAI error shape (`{"error": {"message", "type", "code"}}`) with their HTTP status.
 * Messages say what is wrong and never carry a stack trace, prompt or response content, or a key.
 */

/** The `type` of an OpenAI-shaped error. */
export type GatewayErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "rate_limit_error"
  | "insufficient_quota"
  | "api_error";

/** An error the gateway answers to its client. */
export class GatewayError extends Error {
  /**
   * @param status - the HTTP status (400, 401, 403, 404, 429, 502, 503, 504)
   * @param type - the OpenAI error `type`
   * @param code - a machine-readable `code`, e.g. `invalid_api_key`
   * @param message - what the client reads
   */
  constructor(
    readonly status: number,
    readonly type: GatewayErrorType,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GatewayError";
  }

  /** The OpenAI error body. */
  body(): { error: { message: string; type: string; code: string } } {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }
}

/** 400: the request body or parameters are invalid. */
export function badRequest(message: string, code = "invalid_request"): GatewayError {
  return new GatewayError(400, "invalid_request_error", code, message);
}
