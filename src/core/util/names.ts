/** Kubernetes' name rules (apimachinery validation) that more than one part of the engine checks. */

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A DNS-1123 subdomain: what most object names and namespaces must be, and a label key's prefix. It has
 * no `/` and no `..`, so it is also safe as a path segment.
 */
export function isDnsSubdomain(name: string): boolean {
  return name.length > 0 && name.length <= 253 && DNS_SUBDOMAIN.test(name);
}
