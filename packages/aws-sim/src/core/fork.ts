// A deep copy of an object graph, for SimWorld.fork(): every object reachable from the root is copied
// once, so shared references and cycles come out shared and cyclic in the copy (the world's models all
// point back at the world: in the copy they point at the copy). Handled: primitives, arrays, Map, Set,
// Date, RegExp, ArrayBuffer, typed arrays and DataView, plain objects and class instances (created on
// their prototype, every own property copied with its attributes, symbols included; frozen/sealed/
// non-extensible objects stay so). Functions are kept by reference: a closure cannot be copied, so the
// caller substitutes the few that capture something it copies (`substitutes`: original → replacement,
// for any object or function; a substitute is used as is, never copied or descended into).
// Refused (throws): what holds state a copy cannot reach or reproduce — promises, weak collections and
// references, event targets (AbortSignal), shared buffers, boxed primitives, iterators. `#private` fields are not
// own properties and would be silently lost: the simulator has none (keep it so, or substitute the
// object that has them).

import { types } from 'node:util'

/** What a copy cannot reproduce. Built-ins are recognised by `util.types` (their internal slots: any realm). */
function refused(v: object): string | undefined {
  if (types.isPromise(v)) return 'a Promise'
  if (types.isWeakMap(v) || types.isWeakSet(v)) return 'a weak collection'
  if (v instanceof WeakRef || v instanceof FinalizationRegistry) return 'a weak reference'
  if (v instanceof EventTarget) return 'an EventTarget (e.g. an AbortSignal)'
  if (types.isSharedArrayBuffer(v)) return 'a SharedArrayBuffer'
  if (types.isBoxedPrimitive(v)) return 'a boxed primitive'
  if (types.isGeneratorObject(v) || types.isMapIterator(v) || types.isSetIterator(v)) return 'an iterator'
  return undefined
}

// The built-ins the copier calls per object and property, read once: inside a vm context (jest) every
// global lookup goes through the context's interceptors, which made a fork several times slower.
const { getPrototypeOf, setPrototypeOf, getOwnPropertyDescriptor, defineProperty, create, isExtensible, isFrozen, isSealed, freeze, seal, preventExtensions } = Object
const { ownKeys } = Reflect
const { isArray } = Array
const OBJECT_PROTOTYPE = Object.prototype
const ARRAY_PROTOTYPE = Array.prototype
const { isMap, isSet, isDate, isRegExp, isArrayBuffer, isDataView } = types

type TypedArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView

export function copyGraph<T>(root: T, substitutes: ReadonlyMap<unknown, unknown> = new Map()): T {
  return copy(root, new Map(substitutes)) as T
}

type Memo = Map<unknown, unknown>

function copy(v: unknown, memo: Memo): unknown {
  if (typeof v === 'function') return memo.has(v) ? memo.get(v) : v
  if (typeof v !== 'object' || v === null) return v
  const known = memo.get(v)
  if (known !== undefined || memo.has(v)) return known
  const proto = getPrototypeOf(v) as object | null
  if (proto === OBJECT_PROTOTYPE) return copyOwn(v, register(v, {}, proto, memo), memo, true)
  if (isArray(v)) return copyOwn(v, register(v, new Array<unknown>(v.length), proto, memo), memo, proto === ARRAY_PROTOTYPE)
  if (isMap(v)) {
    const out = register(v, new Map(), proto, memo)
    for (const [k, x] of v) out.set(copy(k, memo), copy(x, memo))
    return copyOwn(v, out, memo, false)
  }
  if (isSet(v)) {
    const out = register(v, new Set(), proto, memo)
    for (const x of v) out.add(copy(x, memo))
    return copyOwn(v, out, memo, false)
  }
  if (isDate(v)) return register(v, new Date(v.getTime()), proto, memo)
  if (isRegExp(v)) return copyOwn(v, register(v, new RegExp(v.source, v.flags), proto, memo), memo, false) // lastIndex
  if (isArrayBuffer(v)) return register(v, v.slice(0), proto, memo)
  if (ArrayBuffer.isView(v)) {
    // The buffer goes through the memo: views that shared one buffer share its copy.
    const buffer = copy(v.buffer, memo) as ArrayBufferLike
    if (isDataView(v)) return register(v, new DataView(buffer, v.byteOffset, v.byteLength), proto, memo)
    const typed = v as unknown as { length: number; [Symbol.toStringTag]: string }
    const Ctor = (globalThis as unknown as Record<string, TypedArrayCtor>)[typed[Symbol.toStringTag]] as TypedArrayCtor
    return register(v, new Ctor(buffer, v.byteOffset, typed.length), proto, memo) // a subclass keeps its prototype (Buffer)
  }
  const what = refused(v)
  if (what) throw new Error(`copyGraph: cannot copy ${what}`)
  return copyOwn(v, register(v, create(proto) as object, proto, memo), memo, false)
}

/** Records `out` as the copy of `src` (before its contents are copied: cycles end here), on src's prototype. */
function register<O extends object>(src: object, out: O, proto: object | null, memo: Memo): O {
  if (getPrototypeOf(out) !== proto) setPrototypeOf(out, proto)
  memo.set(src, out)
  return out
}

/**
 * Copies every own property of `src` onto `out` with its attributes. `assign`: `out` is a plain object or
 * array, whose ordinary data properties can be assigned (fast) instead of defined.
 */
function copyOwn<O extends object>(src: object, out: O, memo: Memo, assign: boolean): O {
  const array = isArray(src)
  for (const key of ownKeys(src)) {
    if (array && key === 'length') continue
    const d = getOwnPropertyDescriptor(src, key) as PropertyDescriptor
    if ('value' in d) {
      d.value = copy(d.value, memo)
      if (assign && d.writable && d.enumerable && d.configurable && key !== '__proto__') {
        ;(out as Record<PropertyKey, unknown>)[key] = d.value
        continue
      }
    } else {
      if (d.get) d.get = copy(d.get, memo) as () => unknown
      if (d.set) d.set = copy(d.set, memo) as (v: unknown) => void
    }
    defineProperty(out, key, d)
  }
  if (!isExtensible(src)) {
    if (isFrozen(src)) freeze(out)
    else if (isSealed(src)) seal(out)
    else preventExtensions(out)
  }
  return out
}
