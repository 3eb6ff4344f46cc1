/**
 * Reading an incremental (`@defer`) answer the way a client does: the parts of a
 * `multipart/mixed; deferSpec=20220824` body as they stream in, and what a client holds once
 * every part is applied. Used by the in-process test (gateway/src/execution/defer.test.ts) and the
 * end-to-end one (test/defer.e2e.test.ts).
 */
export const MULTIPART_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/json';

export type IncrementalItem = { data: any; path: (string | number)[]; label?: string; errors?: any[] };
export type Part = { data?: any; errors?: any[]; hasNext?: boolean; incremental?: IncrementalItem[] };

/** The body's parts, in order, each handed to onPart as soon as it is complete. */
export async function readParts(body: AsyncIterable<string | Uint8Array>, onPart?: (part: Part) => void): Promise<Part[]> {
  const parts: Part[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    // A part: `content-type: …\r\n\r\n{json}\r\n---`
    let match: RegExpExecArray | null;
    while ((match = /content-type: application\/json; charset=utf-8\r\n\r\n([\s\S]*?)\r\n---/.exec(buffer))) {
      const part = JSON.parse(match[1]!) as Part;
      parts.push(part);
      onPart?.(part);
      buffer = buffer.slice(match.index + match[0].length);
    }
  }
  return parts;
}

/** The parts applied in order: the data a client holds, and every error any part carried. */
export function mergeParts(parts: Part[]): { data: any; errors: any[] } {
  const data = structuredClone(parts[0]!.data);
  const errors = [...(parts[0]!.errors ?? [])];
  const deep = (target: any, source: any) => {
    for (const [k, v] of Object.entries(source)) {
      if (v && typeof v === 'object' && target[k] && typeof target[k] === 'object') deep(target[k], v);
      else target[k] = v;
    }
  };
  for (const part of parts.slice(1)) {
    for (const item of part.incremental ?? []) {
      errors.push(...(item.errors ?? []));
      if (!item.data) continue;
      let at = data;
      for (const seg of item.path) at = at[seg];
      deep(at, item.data);
    }
  }
  return { data, errors };
}
