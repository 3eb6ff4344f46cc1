/**
 * `@defer` through the gateway (incremental delivery, the `multipart/mixed; deferSpec=20220824`
 * format Apollo Router and Apollo Client speak). @apollo/gateway plans `@defer` when its query
 * planner has `incrementalDelivery.enableDefer` but refuses to execute the resulting `Defer` nodes;
 * this module executes them on the lean executor:
 *
 * * **Planning.** Every unlabeled `@defer` gets a label of ours first (`__cl_defer_N`, never sent
 *   to the client), so each `Deferred` block of the plan names the fragment it delivers. Plans are
 *   kept per document and operation name (and dropped with the API schema on a supergraph reload).
 * * **Execution.** The primary part runs first (the plan's `Defer.primary`); its answer is sent at
 *   once. Each deferred block then runs (side by side with its siblings) and is sent when it is
 *   done; a nested `@defer` inside it starts after it. A `Deferred` block's `depends` are fetches of
 *   the enclosing primary, which has always finished by then.
 * * **Shaping.** Each part is shaped by the lean shaper (shape.ts) over "the operation as delivered
 *   so far": the operation without the deferred fragments not sent yet. A deferred part carries,
 *   at each concrete path its fragment applies to (lists fan out into one item per element), the
 *   fields its fragment selects. Merging the parts gives the same data as the plain answer.
 * * **Errors.** A part carries the errors of its own fetches, with their full paths; a part whose
 *   shaping finds a null in a non-null field bubbles as the plain answer would.
 *
 * A client that does not accept `multipart/mixed; deferSpec=20220824` gets the plain answer: the
 * operation is planned without its `@defer`s (the very plan stock builds) and runs on the usual path.
 */
import {
  operationFromDocument,
  Variable,
  type Operation,
  type SelectionSet,
} from '@apollo/federation-internals';
import type { DeferNode, DeferredNode, PlanNode, QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { Kind, visit, type DirectiveNode, type DocumentNode, type GraphQLError as GraphQLErrorType, type GraphQLSchema } from 'graphql';
import { executeNode, type Cursor, type ExecutionState } from './execute';
import { GraphQLError } from './graphql';
import { isObjectOfType } from './internals';
import { compileShape, shape, type CompiledShape } from './shape';

/** Labels we give unlabeled `@defer`s (stripped from what clients see). */
export const OWN_LABEL = '__cl_defer_';

type Data = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Documents and the Accept header

const usesDeferMemo = new WeakMap<DocumentNode, boolean>();
/** Whether a document applies `@defer` anywhere (memoized per parsed document). */
export function usesDefer(document: DocumentNode): boolean {
  let uses = usesDeferMemo.get(document);
  if (uses === undefined) {
    uses = false;
    visit(document, {
      Directive(node) {
        if (node.name.value === 'defer') {
          uses = true;
          return false;
        }
        return undefined;
      },
    });
    usesDeferMemo.set(document, uses);
  }
  return uses;
}

/** The document with a label of ours on every `@defer` that has none. */
export function labelDefers(document: DocumentNode): DocumentNode {
  let n = 0;
  return visit(document, {
    Directive(node): DirectiveNode | undefined {
      if (node.name.value !== 'defer' || node.arguments?.some((a) => a.name.value === 'label')) return undefined;
      return {
        ...node,
        arguments: [
          ...(node.arguments ?? []),
          { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'label' }, value: { kind: Kind.STRING, value: `${OWN_LABEL}${n++}` } },
        ],
      };
    },
  });
}

/**
 * Whether the client accepts the 2022-08-24 incremental format, as Apollo Server negotiates it
 * (`multipart/mixed; deferSpec=20220824`, q > 0). A client that also offers the newer
 * `incrementalSpec` format, or only a bare `multipart/mixed`, gets the plain answer.
 */
export function acceptsDeferSpec(accept: string | null | undefined): boolean {
  if (!accept) return false;
  let ok = false;
  for (const range of accept.toLowerCase().split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    if (type !== 'multipart/mixed') continue;
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim().replace(/^"|"$/g, ''))));
    if (p.q !== undefined && !(Number(p.q) > 0)) continue;
    if (p.incrementalspec !== undefined) return false;
    if (p.deferspec === '20220824') ok = true;
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Planning

interface DeferredFragment {
  /** The response names its selection writes into the object it applies to. */
  names: Set<string>;
  /** `@defer(if:)`: a literal, or the variable deciding it; absent: always deferred. */
  condition?: boolean | string;
}

/** A `@defer` operation as the lean executor runs it, per plan. */
export interface PreparedDefer {
  plan: QueryPlan;
  /** The operation, labeled and with its fragments expanded (shaping works on it). */
  shaped: Operation;
  fragments: Map<string, DeferredFragment>;
  /** Compiled shapes by the labels they leave out. */
  views: Map<string, CompiledShape>;
}

export interface DeferPlanning {
  apiSchema: Parameters<typeof operationFromDocument>[0];
  queryPlanner: QueryPlanner;
  planOptions?: Parameters<QueryPlanner['buildQueryPlan']>[1];
}

/** Plans a `@defer` operation (labels added first). Throws what the planner throws. */
export function prepareDefer(p: DeferPlanning, document: DocumentNode, operationName: string | null | undefined): PreparedDefer {
  const labeled = labelDefers(document);
  const operation = operationFromDocument(p.apiSchema, labeled, { operationName: operationName ?? undefined });
  const plan = p.queryPlanner.buildQueryPlan(operation, p.planOptions);
  const expanded = operation.expandAllFragments();
  const fragments = new Map<string, DeferredFragment>();
  const deferDirective = expanded.schema().deferDirective();
  const walk = (set: SelectionSet) => {
    for (const selection of set.selections()) {
      if (selection.kind !== 'FieldSelection') {
        const applied = selection.element.appliedDirectivesOf(deferDirective)[0];
        const args = applied?.arguments() as { label?: string; if?: unknown } | undefined;
        if (args?.label !== undefined && !fragments.has(args.label)) {
          const cond = args.if;
          fragments.set(args.label, {
            names: responseNames(selection.selectionSet, new Set()),
            ...(typeof cond === 'boolean' ? { condition: cond } : cond instanceof Variable ? { condition: cond.name } : {}),
          });
        }
      }
      if (selection.selectionSet) walk(selection.selectionSet);
    }
  };
  walk(expanded.selectionSet);
  return { plan, shaped: expanded, fragments, views: new Map() };
}

/** The plain plan of a `@defer` operation: its `@defer`s removed, as stock plans it without defer support. */
export function planWithoutDefer(p: DeferPlanning, document: DocumentNode, operationName: string | null | undefined): QueryPlan {
  const operation = operationFromDocument(p.apiSchema, document, { operationName: operationName ?? undefined }).withoutDefer();
  return p.queryPlanner.buildQueryPlan(operation, p.planOptions);
}

function responseNames(set: SelectionSet, into: Set<string>): Set<string> {
  for (const selection of set.selections()) {
    if (selection.kind === 'FieldSelection') into.add(selection.element.responseName());
    else responseNames(selection.selectionSet, into);
  }
  return into;
}

const MAX_VIEWS = 64;
function view(prepared: PreparedDefer, omitted: string[]): CompiledShape {
  const key = omitted.join('\u0000');
  let compiled = prepared.views.get(key);
  if (!compiled) {
    compiled = compileShape(prepared.shaped, new Set(omitted));
    if (prepared.views.size >= MAX_VIEWS) prepared.views.clear();
    prepared.views.set(key, compiled);
  }
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Execution

/** One subsequent payload of the 2022-08-24 format (errors still GraphQLError objects). */
export interface SubsequentPayload {
  hasNext: boolean;
  incremental?: IncrementalItem[];
}
export interface IncrementalItem {
  data: Data | null;
  path: (string | number)[];
  label?: string;
  errors?: GraphQLErrorType[];
  extensions?: Record<string, unknown>;
}
export interface InitialResult {
  data?: Data | null;
  errors?: GraphQLErrorType[];
  extensions?: Record<string, unknown>;
}

interface Phase {
  errors: GraphQLErrorType[];
  /** `Defer` nodes met while running this phase: their deferred blocks start once it is sent. */
  deferred: { node: DeferNode; cursor: Cursor }[];
}


/**
 * Runs a prepared `@defer` operation: the initial result now, the deferred parts through
 * `subsequent` (absent when nothing ends up deferred, e.g. every `@defer(if:)` false).
 */
export async function executeDeferred(
  base: Omit<ExecutionState, 'errors' | 'onDefer'>,
  prepared: PreparedDefer,
  variables: Record<string, unknown> | undefined,
  defaults: Record<string, unknown>,
): Promise<{ initial: InitialResult; subsequent?: AsyncIterable<SubsequentPayload> }> {
  // Which @defers defer this time (`if: $var` decides per request); the others are sent inline.
  const pending = new Set<string>();
  for (const [label, fragment] of prepared.fragments) {
    const c = fragment.condition;
    const value = typeof c === 'string' ? (variables && Object.prototype.hasOwnProperty.call(variables, c) ? variables[c] : defaults[c]) : c;
    if (value !== false) pending.add(label);
  }
  const data: Data = {};
  const root: Cursor = { path: [], data, fullResult: data };
  const reported = new Set<string>();
  const shaped = (omit: Set<string>) => {
    try {
      return shape(view(prepared, [...omit].sort()), data, variables);
    } catch {
      // Subgraph data stock would assert on: said so, rather than shaped wrongly.
      return { data: null, errors: [new GraphQLError('Unexpected data in a subgraph answer')] };
    }
  };

  const run = async (node: PlanNode | undefined, cursor: Cursor | undefined): Promise<Phase> => {
    const phase: Phase = { errors: [], deferred: [] };
    const st: ExecutionState = {
      ...base,
      errors: phase.errors,
      onDefer: async (deferNode, at) => {
        if (deferNode.primary.node) await executeNode(st, deferNode.primary.node, at);
        phase.deferred.push({ node: deferNode, cursor: at as Cursor });
      },
    };
    if (node) await executeNode(st, node, cursor);
    return phase;
  };

  const primary = await run(prepared.plan.node as PlanNode | undefined, root);
  const first = shaped(pending);
  /** The data as the client has it so far (the last view sent): where deferred fragments land. */
  let sent = first.data;
  for (const e of first.errors) reported.add(errorKey(e));
  const initial: InitialResult =
    primary.errors.length === 0
      ? first.errors.length > 0
        ? { data: first.data, extensions: { valueCompletion: first.errors } }
        : { data: first.data }
      : { errors: primary.errors, data: first.data };
  if (primary.deferred.length === 0) return { initial };

  // The deferred blocks, as they finish: each one's payload, `hasNext` until none is left.
  const queue: SubsequentPayload[] = [];
  let wake: (() => void) | undefined;
  let outstanding = 0;
  const push = (payload: SubsequentPayload) => {
    queue.push(payload);
    wake?.();
  };

  const block = async (deferred: DeferredNode, cursor: Cursor) => {
    let phase: Phase;
    try {
      phase = await run(deferred.node, cursor);
    } catch (err) {
      phase = { errors: [err instanceof Error ? new GraphQLError(err.message) : new GraphQLError(String(err))], deferred: [] };
    }
    const label = deferred.label;
    if (label !== undefined) pending.delete(label);
    let items: IncrementalItem[];
    try {
      const now = shaped(pending);
      items = itemsOf(deferred, label, phase.errors, sent, now, data, base.supergraphSchema, prepared, reported);
      if (now.data) sent = now.data;
    } catch (err) {
      // Never leave the stream open: the part says what went wrong.
      items = [{ data: null, path: [], ...(label && !label.startsWith(OWN_LABEL) ? { label } : {}), errors: [new GraphQLError(err instanceof Error ? err.message : String(err))] }];
    }
    outstanding--;
    startAll(phase.deferred);
    push({ hasNext: outstanding > 0, ...(items.length ? { incremental: items } : {}) });
  };
  const startAll = (found: Phase['deferred']) => {
    for (const { node, cursor } of found) {
      for (const deferred of node.deferred) {
        outstanding++;
        void block(deferred, cursor);
      }
    }
  };

  async function* subsequent(): AsyncGenerator<SubsequentPayload> {
    startAll(primary.deferred);
    for (;;) {
      while (queue.length) {
        const payload = queue.shift()!;
        yield payload;
        if (!payload.hasNext) return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  return { initial: { ...initial }, subsequent: subsequent() };
}

function errorKey(e: GraphQLErrorType): string {
  return `${e.message}\u0000${JSON.stringify(e.path ?? null)}`;
}

/** The incremental items of a finished deferred block: one per object its fragment applies to. */
function itemsOf(
  deferred: DeferredNode,
  label: string | undefined,
  fetchErrors: GraphQLErrorType[],
  sent: Data | null,
  shaped: { data: Data | null; errors: GraphQLErrorType[] },
  raw: Data,
  supergraphSchema: GraphQLSchema,
  prepared: PreparedDefer,
  reported: Set<string>,
): IncrementalItem[] {
  const names = label !== undefined ? prepared.fragments.get(label)?.names : undefined;
  const shown = label === undefined || label.startsWith(OWN_LABEL) ? {} : { label };
  const items: IncrementalItem[] = [];
  // Objects the fragment applies to, as the client has them; a null that now bubbles past the
  // fragment (a non-null field it selects came back null) makes that item's data null.
  collect(sent, raw, deferred.queryPath, 0, [], supergraphSchema, (_, path) => {
    let obj: any = shaped.data;
    for (let i = 0; i < path.length && obj !== null && obj !== undefined; i++) obj = obj[path[i]!];
    if (!obj || typeof obj !== 'object') return void items.push({ data: null, path, ...shown });
    const picked: Data = {};
    if (names) {
      for (const name of names) if (Object.prototype.hasOwnProperty.call(obj, name)) picked[name] = obj[name];
    }
    items.push({ data: picked, path, ...shown });
  });
  const completionErrors = shaped.errors.filter((e) => !reported.has(errorKey(e)));
  for (const e of completionErrors) reported.add(errorKey(e));
  const attach = (error: GraphQLErrorType, key: 'errors' | 'valueCompletion') => {
    let item = items.find((i) => startsWith(error.path, i.path)) ?? items[0];
    if (!item) items.push((item = { data: null, path: [], ...shown }));
    if (key === 'errors') (item.errors ??= []).push(error);
    else {
      const extensions = (item.extensions ??= {});
      ((extensions.valueCompletion as GraphQLErrorType[] | undefined) ??= []).push(error);
    }
  };
  for (const e of fetchErrors) attach(e, 'errors');
  if (fetchErrors.length === 0) for (const e of completionErrors) attach(e, 'valueCompletion');
  return items;
}

function startsWith(path: readonly (string | number)[] | undefined, prefix: (string | number)[]): boolean {
  if (!path || path.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

/** Walks `queryPath` (response names and `... on Type`) over the shaped data, lists fanned out. */
function collect(
  shaped: any,
  raw: any,
  queryPath: string[],
  at: number,
  path: (string | number)[],
  schema: GraphQLSchema,
  found: (obj: Data, path: (string | number)[]) => void,
): void {
  if (shaped === null || shaped === undefined || typeof shaped !== 'object') return;
  if (Array.isArray(shaped)) {
    for (let i = 0; i < shaped.length; i++) collect(shaped[i], Array.isArray(raw) ? raw[i] : undefined, queryPath, at, [...path, i], schema, found);
    return;
  }
  if (at >= queryPath.length) return found(shaped, path);
  const segment = queryPath[at]!;
  if (segment.startsWith('... on ')) {
    const condition = segment.slice(7);
    if (raw && typeof raw === 'object' && typeof raw.__typename === 'string' && !isObjectOfType(schema, raw, condition)) return;
    return collect(shaped, raw, queryPath, at + 1, path, schema, found);
  }
  collect(shaped[segment], raw && typeof raw === 'object' ? raw[segment] : undefined, queryPath, at + 1, [...path, segment], schema, found);
}

// ---------------------------------------------------------------------------------------------
// Handing the stream to the HTTP layer

/**
 * Subsequent payloads waiting for the response they belong to, by the request's context object
 * (the gateway executor and the Apollo Server plugin see the same one).
 */
const streams = new WeakMap<object, AsyncIterable<SubsequentPayload>>();
/** Requests whose client accepts the format and whose server has the plugin that streams it. */
const streamables = new WeakSet<object>();
export function markStreamable(context: object) {
  streamables.add(context);
}
export function streamable(context: unknown): boolean {
  return !!context && typeof context === 'object' && streamables.has(context);
}
export function holdStream(context: object, subsequent: AsyncIterable<SubsequentPayload>) {
  streams.set(context, subsequent);
}
export function takeStream(context: object): AsyncIterable<SubsequentPayload> | undefined {
  const stream = streams.get(context);
  if (stream) streams.delete(context);
  return stream;
}
