// Debian's Chromium, headless, driven by playwright-core (which never downloads a browser of its own here),
// and the layout facts read off a rendered summary: what overflows the pane horizontally and by how much, and
// which block a reviewer reads first.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { summaryPage, viewportWidth } from './markdown.js'

export const CHROMIUM = '/usr/bin/chromium'

/** The pane widths rendered: a normal one (Primer's large container, 1012 px) and a narrow one. */
export const PANE = { normal: 1012, narrow: 768 } as const

/**
 * This machine's network is closed: without these Chromium keeps trying to reach Google's services (updates,
 * sync, field trials, QUIC) and floods the log with refused connections.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** The little of the DOM the checks read (tsconfig.json names no DOM library: these stand on their own). */
interface Box {
  left: number
  right: number
  width: number
  height: number
}
interface El {
  tagName: string
  className: string
  textContent: string | null
  innerText: string
  children: Iterable<El>
  parentElement: El | null
  previousElementSibling: El | null
  scrollWidth: number
  clientWidth: number
  open?: boolean
  checkVisibility(): boolean
  getBoundingClientRect(): Box
  querySelector(selector: string): El | null
  querySelectorAll(selector: string): Iterable<El>
}
interface Win {
  document: { documentElement: El; querySelector(selector: string): El | null; querySelectorAll(selector: string): Iterable<El> }
  innerWidth: number
  getComputedStyle(el: El): { overflowX: string; display: string }
}

/**
 * Runs `fn(window, arg)` in the page. The function goes over as source text; tsx (esbuild with keepNames) wraps
 * named inner functions in `__name(…)`, which the page lacks, so the page gets a `__name` that does nothing.
 */
async function inPage<T, A>(page: Page, fn: (w: Win, arg: A) => T, arg: A): Promise<T> {
  return page.evaluate(`(() => { const __name = (f) => f; return (${fn.toString()})(window, ${JSON.stringify(arg)}) })()`) as Promise<T>
}

export interface Browser {
  page(): Promise<Page>
  close(): Promise<void>
}

/** Chromium with a fresh profile (a new user-data dir, removed on close). */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)`)
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-shots-profile-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, deviceScaleFactor: 1 })
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true })
    throw e
  }
  // The page is self-contained; anything it would fetch is refused and remembered (none is expected).
  const fetched: string[] = []
  await context.route('**/*', (route) => {
    fetched.push(route.request().url())
    return route.abort()
  })
  return {
    page: () => context.newPage(),
    async close() {
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
      if (fetched.length > 0) throw new Error(`the rendered pages tried to load ${fetched.length} URL(s), e.g. ${fetched[0]}`)
    }
  }
}

/** Lays the summary out in a pane `paneWidth` px wide (the viewport fits the pane exactly, with its frame). */
export async function showSummary(page: Page, markdown: string, o: { paneWidth: number; title: string }): Promise<void> {
  await page.setViewportSize({ width: viewportWidth(o.paneWidth), height: 800 })
  await page.setContent(summaryPage(markdown, o), { waitUntil: 'load' })
}

export interface Overflow {
  /** e.g. `table 2 (under "prod-web: awaiting-finalize")`. */
  element: string
  /** How far it reaches past the pane's right edge, or how far its content scrolls inside it, px. */
  px: number
  how: 'scrolls inside' | 'sticks out'
  /** For a table: each column's header and width, px, widest first. */
  columns?: string
}

export interface Layout {
  paneWidth: number
  /** document.scrollWidth − the viewport's width (> 0: the whole page scrolls sideways). */
  pageOverflowPx: number
  /** Every outermost element that does not fit the pane, worst first. */
  overflows: Overflow[]
}

/**
 * What does not fit the pane. github-markdown-css makes a table a block with `overflow: auto`, so a table too wide
 * for the pane does not widen the page: it scrolls inside itself. Both count: the page's own sideways scroll, and
 * every element whose content is wider than its box (scrolls inside) or that reaches past the pane's right edge.
 */
export async function measureLayout(page: Page): Promise<Layout> {
  return inPage(page, (w) => {
    const body = w.document.querySelector('.markdown-body') as El
    const paneRight = body.getBoundingClientRect().left + body.clientWidth
    const headingOf = (el: El): string => {
      let n: El | null = el
      while (n && n.parentElement !== body) n = n.parentElement
      for (let s = n?.previousElementSibling; s; s = s.previousElementSibling) {
        if (/^H[1-6]$/.test(s.tagName)) return (s.textContent ?? '').trim()
      }
      return ''
    }
    const nameOf = (el: El): string => {
      const tag = el.tagName.toLowerCase()
      const index = [...body.querySelectorAll(tag)].indexOf(el) + 1
      const under = headingOf(el)
      return `${tag} ${index}${under ? ` (under "${under}")` : ''}`
    }
    const columnsOf = (el: El): string | undefined => {
      const table = el.tagName === 'TABLE' ? el : el.querySelector('table')
      const head = table?.querySelector('tr')
      if (!head) return undefined
      return [...head.children]
        .map((c) => ({ name: (c.textContent ?? '').trim(), w: Math.round(c.getBoundingClientRect().width) }))
        .sort((a, b) => b.w - a.w)
        .map((c) => `${c.name} ${c.w}`)
        .join(', ')
    }
    const overflows: { element: string; px: number; how: 'scrolls inside' | 'sticks out'; columns?: string }[] = []
    const visit = (el: El): void => {
      const style = w.getComputedStyle(el)
      const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)
      const inner = el.scrollWidth - el.clientWidth
      const out = el.getBoundingClientRect().right - paneRight
      const columns = columnsOf(el)
      if (clips && inner > 1) {
        overflows.push({ element: nameOf(el), px: Math.round(inner), how: 'scrolls inside', ...(columns ? { columns } : {}) })
        return
      }
      if (out > 1) {
        overflows.push({ element: nameOf(el), px: Math.round(out), how: 'sticks out', ...(columns ? { columns } : {}) })
        return
      }
      for (const child of el.children) visit(child)
    }
    for (const child of body.children) visit(child)
    overflows.sort((a, b) => b.px - a.px)
    return {
      paneWidth: Math.round(body.clientWidth),
      pageOverflowPx: Math.max(0, w.document.documentElement.scrollWidth - w.innerWidth),
      overflows
    }
  }, null)
}

export interface FirstBlock {
  /** Lower-case tag name, e.g. `h2`, `p`, `div` (an alert), `table`. */
  tag: string
  text: string
}

/**
 * What a reader sees first at the top of the summary: the title and the block under it (tag and text,
 * whitespace collapsed).
 */
export async function firstBlockText(page: Page): Promise<FirstBlock & { then: FirstBlock }> {
  return inPage(page, (w) => {
    const body = w.document.querySelector('.markdown-body') as El
    const seen = [...body.children]
      .filter((el) => el.getBoundingClientRect().height > 0 && w.getComputedStyle(el).display !== 'none')
      .slice(0, 2)
      .map((el) => ({ tag: el.tagName.toLowerCase(), text: (el.innerText ?? '').replace(/\s+/g, ' ').trim() }))
    const none = { tag: '', text: '' }
    return { ...(seen[0] ?? none), then: seen[1] ?? none }
  }, null)
}

/** A state icon of src/report/verdict.ts (STATE_ICON), or the ones a run of several pairs may show. */
const VERDICT = /^(⏸️|✅|↩️|➖|📝|❌|⚠️) .+\. (Next: .+|Each pair below says what to do next.*)\.$/u

/**
 * The rule for the top of the summary: a reviewer reads the verdict first. The title (an h2 naming the
 * operation), then one paragraph: a state icon, what serves and what waits, and what to do next.
 */
export function firstBlockProblem(b: FirstBlock & { then: FirstBlock }): string | undefined {
  if (b.tag !== 'h2' || !b.text.startsWith('Blue/green ')) return `the first block is <${b.tag || 'nothing'}> "${b.text.slice(0, 80)}", not the title`
  if (b.then.tag !== 'p' || !VERDICT.test(b.then.text)) return `the block under the title is <${b.then.tag || 'nothing'}> "${b.then.text.slice(0, 120)}", not the verdict (icon, what serves, Next: ...)`
  return undefined
}

/** Each `<details>` of the summary: open or not, and whether anything but its `<summary>` can be seen. */
export async function detailsState(page: Page): Promise<{ open: boolean; contentShown: boolean }[]> {
  return inPage(
    page,
    (w) =>
      [...w.document.querySelectorAll('.markdown-body details')].map((d) => {
        const content = [...d.children].filter((c) => c.tagName !== 'SUMMARY')
        return { open: d.open === true, contentShown: content.some((c) => c.checkVisibility()) }
      }),
    null
  )
}

/** The alerts as laid out: their type (from the class GitHub gives them) and title text. */
export async function alerts(page: Page): Promise<{ kind: string; title: string }[]> {
  return inPage(
    page,
    (w) =>
      [...w.document.querySelectorAll('.markdown-body .markdown-alert')].map((a) => ({
        kind: (a.className.match(/markdown-alert-(\w+)/) ?? [])[1] ?? '',
        title: (a.querySelector('.markdown-alert-title')?.innerText ?? '').trim()
      })),
    null
  )
}
