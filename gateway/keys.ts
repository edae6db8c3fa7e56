/**
 * API keys: made from 32 random bytes, kept only as SHA-256 hashes, read from `Authorization: Bearer` or
 * `x-api-key`. A key is shown once, when it is made.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** What every key starts with (so secret scanners and people recognise it). */
export const KEY_PREFIX = "smcb-";

/** A stored key: its hash and who it belongs to. Never the key itself. */
export interface KeyRecord {
  /** SHA-256 of the key, lower-case hex. */
  readonly hash: string;
  /** A short public id (the first 12 hex digits of the hash), to list and revoke keys by. */
  readonly keyId: string;
  /** The tenant the key authenticates. */
  readonly tenant: string;
  /** The tenant's LOB when the key was made. */
  readonly lob: string;
  /** ISO-8601 time the key was made. */
  readonly createdAt: string;
  /** ISO-8601 time the key was revoked, when it was. */
  readonly revokedAt?: string | undefined;
}

/** SHA-256 of a key, lower-case hex. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The public id of a key hash. */
export function keyIdOf(hash: string): string {
  return hash.slice(0, 12);
}

/** A new random key and the record to store for it (the key itself is returned once and never stored). */
export function newKey(tenant: string, lob: string, now = new Date()): { key: string; record: KeyRecord } {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const hash = hashKey(key);
  return { key, record: { hash, keyId: keyIdOf(hash), tenant, lob, createdAt: now.toISOString() } };
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The key a request presents: `Authorization: Bearer <key>` first, else `x-api-key`. Headers are lower-case. */
export function presentedKey(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return m[1];
  }
  const apiKey = headers["x-api-key"]?.trim();
  return apiKey ? apiKey : undefined;
}
