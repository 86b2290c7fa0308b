/**
 * Sprig's derivePassword (the Master Password algorithm: scrypt N=32768 r=8 p=2 of the master password
 * salted with the user, HMAC-SHA256 of the site and counter, then a template of the password type) and
 * encryptAES / decryptAES (AES-256-CBC, the key the password's bytes zero-padded or cut to 32, PKCS#7
 * padding, the IV before the ciphertext, standard base64), as crypto.go has them. encryptAES's IV comes
 * from the caller's random source and its result is reported as nondeterministic. buildCustomCert (a given
 * certificate and key, checked and returned as a certificate object) is here too.
 */
import { createCipheriv, createDecipheriv, createHmac, scryptSync } from "node:crypto";
import { wrongType } from "./gotime.ts";
import { FuncError } from "./template/exec.ts";
import type { GoFunction, GoValue } from "./template/values.ts";

export interface Randomness {
  /** `n` random bytes (Go's crypto/rand). */
  randomBytes(n: number): Uint8Array;
  /** Called with a function's name when its result depends on randomness. */
  nondeterministic(name: string): void;
}

const MASTER_PASSWORD_SEED = "com.lyndir.masterpassword";

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: [
    "CvcvnoCvcvCvcv",
    "CvcvCvcvnoCvcv",
    "CvcvCvcvCvcvno",
    "CvccnoCvcvCvcv",
    "CvccCvcvnoCvcv",
    "CvccCvcvCvcvno",
    "CvcvnoCvccCvcv",
    "CvcvCvccnoCvcv",
    "CvcvCvccCvcvno",
    "CvcvnoCvcvCvcc",
    "CvcvCvcvnoCvcc",
    "CvcvCvcvCvccno",
    "CvccnoCvccCvcv",
    "CvccCvccnoCvcv",
    "CvccCvccCvcvno",
    "CvcvnoCvccCvcc",
    "CvcvCvccnoCvcc",
    "CvcvCvccCvccno",
    "CvccnoCvcvCvcc",
    "CvccCvcvnoCvcc",
    "CvccCvcvCvccno",
  ],
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};

const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

const utf8 = (s: string) => Buffer.from(s, "utf8");

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function str(v: GoValue | undefined): string {
  return typeof v === "string" ? v : wrongType("string", v);
}

/** sprig's derivePassword(counter uint32, passwordType, password, user, site string). */
export function derivePassword(
  counter: number,
  passwordType: string,
  password: string,
  user: string,
  site: string,
) {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const seed = utf8(MASTER_PASSWORD_SEED);
  const salt = Buffer.concat([seed, uint32(utf8(user).length), utf8(user)]);
  const key = scryptSync(utf8(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 64 * 1024 * 1024 });
  const message = Buffer.concat([seed, uint32(utf8(site).length), utf8(site), uint32(counter)]);
  const digest = createHmac("sha256", key).update(message).digest();
  const template = templates[digest[0]! % templates.length]!;
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const chars = TEMPLATE_CHARACTERS[template[i]!]!;
    out += chars[digest[i + 1]! % chars.length];
  }
  return out;
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  utf8(password).copy(key, 0, 0, 32);
  return key;
}

/** Go's base64.StdEncoding.DecodeString: padded, strict; "\r" and "\n" are skipped. */
function base64Std(s: string): Buffer {
  const clean = s.replace(/[\r\n]/g, "");
  const m = /^[A-Za-z0-9+/]*/.exec(clean)![0].length;
  const padding = /^=*/.exec(clean.slice(m))![0].length;
  const valid =
    m + padding === clean.length && clean.length % 4 === 0 && padding <= 2 && (padding === 0 || m % 4 !== 0);
  if (!valid) {
    // The byte Go reports: the first that cannot be, or the end of the last whole quantum.
    const at = m + padding < clean.length ? m + padding : clean.length - (clean.length % 4 || 4);
    throw new FuncError(`illegal base64 data at input byte ${Math.max(0, at)}`);
  }
  return Buffer.from(clean, "base64");
}

export function cryptoFunctions(random: Randomness): Record<string, GoFunction> {
  return {
    derivePassword: (counter, passwordType, password, user, site) => {
      if (typeof counter !== "bigint") return wrongType("uint32", counter);
      if (counter < 0n || counter > 0xffffffffn) throw new FuncError(`${counter} overflows uint32`);
      return derivePassword(Number(counter), str(passwordType), str(password), str(user), str(site));
    },
    encryptAES: (password, plaintext) => {
      const text = str(plaintext);
      const key = aesKey(str(password));
      if (text === "") return "";
      random.nondeterministic("encryptAES");
      const iv = Buffer.from(random.randomBytes(16));
      const cipher = createCipheriv("aes-256-cbc", key, iv);
      return Buffer.concat([iv, cipher.update(utf8(text)), cipher.final()]).toString("base64");
    },
    buildCustomCert: (b64cert, b64key) => buildCustomCert(str(b64cert), str(b64key)),
    decryptAES: (password, crypt64) => {
      const text = str(crypt64);
      const key = aesKey(str(password));
      if (text === "") return "";
      const crypt = base64Std(text);
      // The runtime panics Go's template reports as errors.
      if (crypt.length < 16)
        throw new FuncError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
      const body = crypt.subarray(16);
      if (body.length % 16 !== 0) throw new FuncError("crypto/cipher: input not full blocks");
      if (body.length === 0) throw new FuncError("runtime error: index out of range [-1]");
      const decipher = createDecipheriv("aes-256-cbc", key, crypt.subarray(0, 16)).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(body), decipher.final()]);
      const end = plain.length - plain[plain.length - 1]!;
      if (end < 0) throw new FuncError(`runtime error: slice bounds out of range [:${end}]`);
      return plain.subarray(0, end).toString("utf8");
    },
  };
}

/**
 * sprig's buildCustomCertificate: both arguments base64 of PEM; the certificate and key returned as given
 * (`.Cert`, `.Key`), with its errors for what cannot be decoded. The DER inside is checked for its outer
 * structure only (one ASN.1 SEQUENCE filling the block), not parsed as x509 does: a chart whose certificate
 * is damaged inside still renders here, and a valid one is never refused.
 */
function buildCustomCert(b64cert: string, b64key: string): GoValue {
  const decode = (s: string, what: string) => {
    try {
      return base64Std(s);
    } catch {
      throw new FuncError(`unable to decode base64 ${what}`);
    }
  };
  const cert = decode(b64cert, "certificate");
  const key = decode(b64key, "private key");
  const block = pemDecode(cert.toString("latin1"));
  if (!block) throw new FuncError("unable to decode certificate");
  if (!isDerSequence(block.bytes))
    throw new FuncError("error parsing certificate: decodedCert.Bytes: x509: malformed certificate");
  const keyProblem = privateKeyProblem(key.toString("latin1"));
  if (keyProblem) throw new FuncError(`error parsing private key: ${keyProblem}`);
  return { Cert: cert.toString("utf8"), Key: key.toString("utf8") };
}

/** sprig's parsePrivateKeyPEM, as far as block types and the outer structure go; undefined when it passes. */
function privateKeyProblem(text: string): string | undefined {
  const block = pemDecode(text);
  if (!block) return "no PEM data in input";
  if (block.type === "PRIVATE KEY")
    return isDerSequence(block.bytes) ? undefined : "decoding PEM as PKCS#8: x509: malformed private key";
  if (!block.type.endsWith(" PRIVATE KEY")) return `no private key data in PEM block of type ${block.type}`;
  const kind = block.type.slice(0, -" PRIVATE KEY".length);
  const parsing: Record<string, string> = {
    RSA: "parsing RSA private key from PEM: x509: malformed private key",
    EC: "parsing EC private key from PEM: x509: malformed private key",
    DSA: "parsing DSA private key from PEM: asn1: syntax error: data truncated",
  };
  const problem = parsing[kind];
  if (problem === undefined) return `invalid private key type ${block.type}`;
  return isDerSequence(block.bytes) ? undefined : problem;
}

/** Go's pem.Decode, for the first block: its type and bytes, or undefined when there is none. */
function pemDecode(text: string): { type: string; bytes: Buffer } | undefined {
  const m = /(?:^|\n)-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n([\s\S]*?)(?:^|\n)-----END \1-----/.exec(text);
  if (!m) return undefined;
  // Headers ("Proc-Type: …") end at the first empty line; what remains is base64 with whitespace.
  const lines = m[2]!.split(/\r?\n/);
  const headerEnd = lines[0]?.includes(":") ? lines.indexOf("") : -1;
  const body = lines
    .slice(headerEnd + 1)
    .join("")
    .replace(/[ \t\r]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) return undefined;
  return { type: m[1]!, bytes: Buffer.from(body, "base64") };
}

/** True when `der` is one ASN.1 SEQUENCE with a definite length that fills it exactly. */
function isDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return 2 + first === der.length;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) return false;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[2 + i]!;
  return 2 + n + length === der.length;
}
