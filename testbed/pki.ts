import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A certificate and its key, as PEM files. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface Pki {
  ca: KeyPair;
  /** kube-apiserver's serving certificate. */
  apiserver: KeyPair;
  /** Client certificates, by the identity each component authenticates as. */
  admin: KeyPair;
  controllerManager: KeyPair;
  scheduler: KeyPair;
  kwok: KeyPair;
  /** What kube-apiserver presents to the (simulated) kubelets for logs and port-forward. */
  kubeletClient: KeyPair;
  /** The service-account token signing key pair. */
  serviceAccount: { publicKey: string; privateKey: string };
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * A fresh certificate authority and every certificate the control plane needs, signed by it, as
 * kubeadm lays them out: client identities by CN (user) and O (group) so the default RBAC roles of
 * the controller manager and scheduler apply.
 */
export function createPki(dir: string): Pki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string): KeyPair => ({
    cert: join(dir, `${name}.crt`),
    key: join(dir, `${name}.key`),
  });
  const ca = file("ca");
  openssl([
    "req",
    "-x509",
    ...EC,
    "-keyout",
    ca.key,
    "-out",
    ca.cert,
    "-days",
    "3650",
    "-subj",
    "/CN=parity-testbed-ca",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ]);
  const sign = (name: string, subject: string, usage: string, san?: string): KeyPair =>
    signCert(dir, ca, name, { subject, usage, days: 365, san });
  const serviceAccount = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const saPublic = join(dir, "sa.pub");
  const saPrivate = join(dir, "sa.key");
  writeFileSync(saPublic, serviceAccount.publicKey);
  writeFileSync(saPrivate, serviceAccount.privateKey, { mode: 0o600 });
  return {
    ca,
    apiserver: sign(
      "apiserver",
      "/CN=kube-apiserver",
      "serverAuth",
      [
        "IP:127.0.0.1",
        "IP:10.96.0.1",
        "DNS:localhost",
        "DNS:kubernetes",
        "DNS:kubernetes.default",
        "DNS:kubernetes.default.svc",
        "DNS:kubernetes.default.svc.cluster.local",
      ].join(","),
    ),
    admin: sign("admin", "/O=system:masters/CN=parity-testbed-admin", "clientAuth"),
    controllerManager: sign(
      "controller-manager",
      "/CN=system:kube-controller-manager",
      "clientAuth",
    ),
    scheduler: sign("scheduler", "/CN=system:kube-scheduler", "clientAuth"),
    kwok: sign("kwok", "/O=system:masters/CN=kwok", "clientAuth"),
    kubeletClient: sign(
      "apiserver-kubelet-client",
      "/O=system:masters/CN=kube-apiserver-kubelet-client",
      "clientAuth",
    ),
    serviceAccount: { publicKey: saPublic, privateKey: saPrivate },
  };
}

/** A certificate signed by the testbed's CA: a component's, or a user's (one without RBAC roles, say). */
export function signCert(
  dir: string,
  ca: KeyPair,
  name: string,
  options: { subject: string; usage: string; days: number; san?: string | undefined },
): KeyPair {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  openssl([
    "req",
    "-x509",
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    ...EC,
    "-keyout",
    pair.key,
    "-out",
    pair.cert,
    "-days",
    String(options.days),
    "-subj",
    options.subject,
    "-addext",
    "basicConstraints=critical,CA:FALSE",
    "-addext",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "-addext",
    `extendedKeyUsage=${options.usage}`,
    ...(options.san ? ["-addext", `subjectAltName=${options.san}`] : []),
  ]);
  return pair;
}

/** A kubeconfig for one identity, with the certificates embedded as kubectl and clients expect. */
export function kubeconfig(server: string, ca: string, client: KeyPair, user: string): string {
  const b64 = (path: string) => readFileSync(path).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: parity-testbed",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(ca)}`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    client-certificate-data: ${b64(client.cert)}`,
    `    client-key-data: ${b64(client.key)}`,
    "contexts:",
    "- name: parity-testbed",
    "  context:",
    "    cluster: parity-testbed",
    `    user: ${user}`,
    "    namespace: default",
    "current-context: parity-testbed",
    "",
  ].join("\n");
}
