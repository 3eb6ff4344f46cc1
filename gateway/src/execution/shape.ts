/**
 * Result shaping: the merged subgraph data → the response `data`, exactly as
 * @apollo/gateway's `computeResponse` (resultShaping.ts) does it, but from a per-operation
 * compiled form instead of walking federation-internals' selection sets per object.
 *
 * `compileShape` turns the operation (built once with `operationFromDocument`, as stock does on
 * every request) into plain arrays: response names, @skip/@include conditions, type wrappers, leaf
 * validators, fragment type conditions with cached subtype answers. `shape` then walks the merged
 * data once. Same field order, same `null` propagation, same error messages and paths.
 *
 * Anything stock would `assert` on (malformed subgraph data, a non-boolean @skip variable) throws
 * BAIL; the caller then runs stock `computeResponse` on the same (unmodified) input, so even the odd
 * cases answer byte for byte as stock does.
 */
import {
  ERRORS,
  isCompositeType,
  isListType,
  isNonNullType,
  isSubtype,
  isValidLeafValue,
  isCustomScalarType,
  Variable,
  type CompositeType,
  type NamedType,
  type Operation,
  type OutputType,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

// Read once: federation-internals' exports are getters, costly on a per-value path.
const INVALID_GRAPHQL = ERRORS.INVALID_GRAPHQL;
const validLeafValue = isValidLeafValue;
const isComposite = (type: { kind: string }) => type.kind === 'ObjectType' || type.kind === 'InterfaceType' || type.kind === 'UnionType';

/** Thrown where stock would assert: the caller falls back to stock `computeResponse`. */
export const BAIL = Symbol('bail to stock computeResponse');

const FIELD = 0;
const FRAGMENT = 1;

const LEAF = 0;
const COMPOSITE = 1;
const LIST = 2;

/**
 * @skip/@include with a variable (a string; evaluated per request, in stock's order). Literal-only
 * conditions are folded at compile time.
 */
interface Conditions {
  skip?: string | boolean;
  include?: string | boolean;
}

interface CType {
  nonNull: boolean;
  kind: typeof LEAF | typeof COMPOSITE | typeof LIST;
  /** The nullable type, for error messages (`String(type)` as stock prints it). */
  nullable: Type;
  /** LIST: the element type. */
  of?: CType;
  /** COMPOSITE: the declared type. */
  composite?: CompositeType;
  /** LEAF: whether a value is valid for the type (stock: isValidLeafValue). */
  valid?: (value: unknown) => boolean;
}

interface CField {
  kind: typeof FIELD;
  responseName: string;
  typename: boolean;
  type: CType;
  selectionSet?: CSelectionSet;
  conditions?: Conditions;
}

interface CFragment {
  kind: typeof FRAGMENT;
  typeCondition?: CompositeType;
  /** typeConditionApplies answers, by __typename and by parent type. */
  byTypename?: Map<string, boolean>;
  byParent?: Map<CompositeType, boolean>;
  selectionSet: CSelectionSet;
  conditions?: Conditions;
}

interface CSelectionSet {
  selections: (CField | CFragment)[];
  /**
   * Whether a response name may be written twice into one output object (duplicates across
   * fragments): only then is the output read back before writing, as stock always does.
   */
  repeats: boolean;
}

export interface CompiledShape {
  root: CSelectionSet;
  rootType: CompositeType;
  schema: Schema;
  /** The operation's variable defaults, under the request's values for @skip/@include (stock: collectDefaultedVariableValues). */
  defaults: Record<string, unknown>;
  /** Why the lean path cannot shape this operation (introspection, `__proto__`…): stock serves it. */
  unsupported?: string;
}

class Unsupported extends Error {}

/**
 * `omitDeferred`: labels of `@defer` fragments left out (defer.ts shapes each part of an
 * incremental answer over the operation without the fragments not delivered yet).
 */
export function compileShape(operation: Operation, omitDeferred?: ReadonlySet<string>): CompiledShape {
  const schema = operation.schema();
  const deferDirective = omitDeferred?.size ? schema.deferDirective() : undefined;
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  const skipDirective = schema.skipDirective();
  const includeDirective = schema.includeDirective();
  const types = new Map<Type, CType>();
  const memo = new Map<SelectionSet, Map<boolean, CSelectionSet>>();

  const conditionsOf = (element: { appliedDirectivesOf(def: unknown): { arguments(): Record<string, unknown> }[] }): Conditions | null | undefined => {
    const skipArg = element.appliedDirectivesOf(skipDirective)[0]?.arguments().if;
    const includeArg = element.appliedDirectivesOf(includeDirective)[0]?.arguments().if;
    const value = (arg: unknown): string | boolean | undefined => {
      if (arg === undefined || typeof arg === 'boolean') return arg;
      if (arg instanceof Variable) return arg.name;
      throw new Unsupported(`@skip/@include(if: ${String(arg)})`);
    };
    const skip = value(skipArg);
    const include = value(includeArg);
    if (typeof skip !== 'string' && typeof include !== 'string') {
      // Literals only: decided once.
      return skip === true || include === false ? null : undefined;
    }
    return { ...(skip !== undefined ? { skip } : {}), ...(include !== undefined ? { include } : {}) };
  };

  const ctype = (type: OutputType): CType => {
    let c = types.get(type);
    if (c) return c;
    const nonNull = isNonNullType(type);
    const nullable = (nonNull ? type.ofType : type) as Exclude<OutputType, { kind: 'NonNullType' }>;
    if (isListType(nullable)) c = { nonNull, kind: LIST, nullable, of: ctype(nullable.ofType as OutputType) };
    else if (isCompositeType(nullable)) c = { nonNull, kind: COMPOSITE, nullable, composite: nullable };
    else c = { nonNull, kind: LEAF, nullable, valid: leafValidator(schema, nullable as NamedType) };
    types.set(type, c);
    return c;
  };

  /** Response names written into the output object of this selection set (fragments share it). */
  const responseNames = (set: SelectionSet, into: string[]) => {
    for (const selection of set.selections()) {
      if (selection.kind === 'FieldSelection') into.push(selection.element.responseName());
      else responseNames(selection.selectionSet, into);
    }
    return into;
  };
  const hasDuplicates = (set: SelectionSet) => {
    const names = responseNames(set, []);
    return new Set(names).size !== names.length;
  };

  const compileSet = (set: SelectionSet, repeats: boolean): CSelectionSet => {
    let bySet = memo.get(set);
    const cached = bySet?.get(repeats);
    if (cached) return cached;
    const out: CSelectionSet = { selections: [], repeats };
    if (!bySet) memo.set(set, (bySet = new Map()));
    bySet.set(repeats, out);
    for (const selection of set.selections()) {
      const conditions = conditionsOf(selection.element as never);
      if (conditions === null) continue;
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        const responseName = field.responseName();
        if (field.definition.isSchemaIntrospectionField()) throw new Unsupported('introspection');
        if (responseName === '__proto__') throw new Unsupported('__proto__ response name');
        const typename = field.name === '__typename';
        const sub = selection.selectionSet;
        out.selections.push({
          kind: FIELD,
          responseName,
          typename,
          type: ctype(field.definition.type!),
          ...(sub ? { selectionSet: compileSet(sub, repeats || hasDuplicates(sub)) } : {}),
          ...(conditions ? { conditions } : {}),
        });
      } else {
        if (deferDirective) {
          const label = selection.element.appliedDirectivesOf(deferDirective)[0]?.arguments().label;
          if (typeof label === 'string' && omitDeferred!.has(label)) continue;
        }
        const typeCondition = selection.element.typeCondition;
        out.selections.push({
          kind: FRAGMENT,
          ...(typeCondition ? { typeCondition, byTypename: new Map(), byParent: new Map() } : {}),
          // A fragment writes into its parent's output object.
          selectionSet: compileSet(selection.selectionSet, repeats),
          ...(conditions ? { conditions } : {}),
        });
      }
    }
    return out;
  };

  const defaults = operation.collectDefaultedVariableValues() as Record<string, unknown>;
  try {
    const root = compileSet(operation.selectionSet, hasDuplicates(operation.selectionSet));
    return { root, rootType, schema, defaults };
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    return { root: { selections: [], repeats: true }, rootType, schema, defaults, unsupported: err.message };
  }
}

/** Stock `isValidLeafValue`, with the answers for the common built-in cases inlined. */
function leafValidator(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  if (type === schema.stringType()) return (v) => typeof v === 'string' || validLeafValue(schema, v, type as never);
  if (type === schema.booleanType()) return (v) => typeof v === 'boolean' || validLeafValue(schema, v, type as never);
  return (v) => validLeafValue(schema, v, type as never);
}

interface State {
  schema: Schema;
  errors: GraphQLError[];
  /** Condition variables: provided values over defaults (stock: `{...defaults, ...variables}`). */
  variables: Record<string, unknown> | undefined;
  defaults: Record<string, unknown>;
  /** Out-parameters of `update` (stock returns them in an object per value). */
  invalid: boolean;
  hasErrors: boolean;
  types: Map<string, NamedType | undefined>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Shapes `input` (the merged fetch results) into the response data. Returns stock's
 * `{ data, errors }`; throws BAIL where stock would assert.
 */
export function shape(
  compiled: CompiledShape,
  input: Record<string, unknown>,
  variables: Record<string, unknown> | undefined,
): { data: Record<string, unknown> | null; errors: GraphQLError[] } {
  const st: State = {
    schema: compiled.schema,
    errors: [],
    variables,
    defaults: compiled.defaults,
    invalid: false,
    hasErrors: false,
    types: typeCache(compiled.schema),
  };
  const data: Record<string, unknown> = {};
  const ok = applySelectionSet(st, input, compiled.root, data, [], compiled.rootType);
  return { data: ok ? data : null, errors: st.errors };
}

const typeCaches = new WeakMap<Schema, Map<string, NamedType | undefined>>();
function typeCache(schema: Schema) {
  let cache = typeCaches.get(schema);
  if (!cache) typeCaches.set(schema, (cache = new Map()));
  return cache;
}

function typeNamed(st: State, name: string): NamedType | undefined {
  let type = st.types.get(name);
  if (type === undefined && !st.types.has(name)) {
    type = st.schema.type(name);
    st.types.set(name, type);
  }
  return type;
}

function conditionValue(st: State, arg: string | boolean): boolean {
  if (typeof arg === 'boolean') return arg;
  const value = st.variables && hasOwn.call(st.variables, arg) ? st.variables[arg] : st.defaults[arg];
  if (typeof value !== 'boolean') throw BAIL; // stock asserts
  return value;
}

/** Stock `shouldSkip`: @skip first, then @include. */
function skipped(st: State, c: Conditions): boolean {
  return (c.skip !== undefined && conditionValue(st, c.skip)) || (c.include !== undefined && !conditionValue(st, c.include));
}

function describe(path: (string | number)[], type: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${type} at index ${element}`;
}

/** Stock `applySelectionSet`: false means NULL_BUBBLE_UP. */
function applySelectionSet(
  st: State,
  input: Record<string, any>,
  set: CSelectionSet,
  output: Record<string, any>,
  path: (string | number)[],
  parentType: CompositeType,
): boolean {
  const selections = set.selections;
  for (let i = 0; i < selections.length; i++) {
    const selection = selections[i]!;
    if (selection.conditions !== undefined && skipped(st, selection.conditions)) continue;
    if (selection.kind === FIELD) {
      const responseName = selection.responseName;
      const outputValue = set.repeats && hasOwn.call(output, responseName) ? output[responseName] : undefined;
      if (selection.typename) {
        if (outputValue === undefined) {
          let inputValue = hasOwn.call(input, responseName) ? (input[responseName] ?? null) : null;
          if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (typeNamed(st, inputValue) ?? parentType) : parentType;
          if (type.kind !== 'ObjectType') return false;
          output[responseName] = type.name;
        }
        continue;
      }
      const inputValue = hasOwn.call(input, responseName) ? (input[responseName] ?? null) : null;
      path.push(responseName);
      output[responseName] = update(st, outputValue, selection.type, inputValue, selection.selectionSet, path, parentType);
      path.pop();
      if (st.invalid) return false;
    } else {
      const typename = input.__typename;
      if (typename && typeof typename !== 'string') throw BAIL;
      if (fragmentApplies(st, selection, typename, parentType)) {
        if (!applySelectionSet(st, input, selection.selectionSet, output, path, selection.typeCondition ?? parentType)) return false;
      }
    }
  }
  return true;
}

/** Stock `typeConditionApplies`, answers cached per fragment. */
function fragmentApplies(st: State, fragment: CFragment, typename: string | undefined, parentType: CompositeType): boolean {
  const condition = fragment.typeCondition;
  if (!condition) return true;
  if (typename) {
    let applies = fragment.byTypename!.get(typename);
    if (applies === undefined) {
      const type = typeNamed(st, typename);
      applies = !!type && isSubtype(condition, type);
      fragment.byTypename!.set(typename, applies);
    }
    return applies;
  }
  let applies = fragment.byParent!.get(parentType);
  if (applies === undefined) {
    applies = isSubtype(condition, parentType);
    fragment.byParent!.set(parentType, applies);
  }
  return applies;
}

/**
 * Stock `updateOutputValue`. Returns `updated`; `st.invalid` / `st.hasErrors` carry what stock
 * returns beside it (read them right after the call: nested calls overwrite them).
 */
function update(
  st: State,
  outputValue: any,
  type: CType,
  inputValue: any,
  set: CSelectionSet | undefined,
  path: (string | number)[],
  parentType: CompositeType,
): any {
  if (outputValue === null || (outputValue !== undefined && !set)) {
    st.invalid = false;
    st.hasErrors = false;
    return outputValue;
  }
  const updated = updateNullable(st, outputValue, type, inputValue, set, path, parentType);
  if (type.nonNull) {
    if (updated === null) {
      if (!st.hasErrors) {
        st.errors.push(
          INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describe(path, type.nullable, parentType)}.`, { path: Array.from(path) }),
        );
      }
      st.invalid = true;
      st.hasErrors = true;
      return null;
    }
    st.invalid = false;
    st.hasErrors = false;
  }
  return updated;
}

/** The nullable part of stock `updateOutputValue` (never sets `invalid`). */
function updateNullable(
  st: State,
  outputValue: any,
  type: CType,
  inputValue: any,
  set: CSelectionSet | undefined,
  path: (string | number)[],
  parentType: CompositeType,
): any {
  st.invalid = false;
  st.hasErrors = false;
  if (inputValue === null) return null;

  if (type.kind === LIST) {
    if (!Array.isArray(inputValue)) throw BAIL;
    if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length)) throw BAIL;
    const length = inputValue.length;
    const updated = new Array(length);
    const of = type.of!;
    let nullify = false;
    let hasErrors = false;
    for (let idx = 0; idx < length; idx++) {
      path.push(idx);
      updated[idx] = update(st, outputValue === undefined ? undefined : outputValue[idx], of, inputValue[idx], set, path, parentType);
      path.pop();
      if (st.invalid) nullify = true;
      if (st.hasErrors) hasErrors = true;
    }
    st.invalid = false;
    st.hasErrors = hasErrors;
    return nullify ? null : updated;
  }

  if (type.kind === COMPOSITE) {
    if (!set || typeof inputValue !== 'object') throw BAIL;
    if (outputValue !== undefined && typeof outputValue !== 'object') throw BAIL;
    const inputTypename = inputValue.__typename;
    if (inputTypename !== undefined && typeof inputTypename !== 'string') throw BAIL;
    let objType = type.composite!;
    if (inputTypename) {
      const typenameType = typeNamed(st, inputTypename);
      if (!typenameType || !isComposite(typenameType)) {
        st.errors.push(
          INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describe(path, type.nullable, parentType)}.`, { path: Array.from(path) }),
        );
        st.invalid = false;
        st.hasErrors = true;
        return null;
      }
      objType = typenameType as CompositeType;
    }
    const output = outputValue === undefined ? {} : outputValue;
    const ok = applySelectionSet(st, inputValue, set, output, path, objType);
    st.invalid = false;
    st.hasErrors = !ok;
    return ok ? output : null;
  }

  if (outputValue !== undefined) throw BAIL;
  const valid = type.valid!(inputValue);
  if (!valid) {
    st.errors.push(INVALID_GRAPHQL.err(`Invalid value found for ${describe(path, type.nullable, parentType)}.`, { path: Array.from(path) }));
  }
  st.invalid = false;
  st.hasErrors = !valid;
  return valid ? inputValue : null;
}
