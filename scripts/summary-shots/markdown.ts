// The job summary's markdown as GitHub shows it: GitHub-flavoured markdown (tables, autolinks, raw HTML blocks
// such as <table>, <details>, <sub>, <br>), GitHub's alerts (`> [!NOTE]` …), then GitHub's sanitising (no
// style, class, id or event attributes, no script), inside a page styled with GitHub's markdown stylesheet
// (github-markdown-css, light theme). Everything the page needs is inline: it loads nothing.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Lexer, Marked, type Token, type Tokens } from 'marked'
import sanitizeHtml from 'sanitize-html'

const require = createRequire(import.meta.url)

/** GitHub's icons (@primer/octicons, MIT): the 16 px path of each. */
const OCTICONS = require('@primer/octicons/build/data.json') as Record<string, { heights: Record<string, { path: string }> }>

function octicon(name: string): string {
  const path = OCTICONS[name]?.heights['16']?.path
  if (!path) throw new Error(`no 16 px octicon "${name}" in @primer/octicons`)
  return `<svg class="octicon octicon-${name} mr-2" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">${path}</svg>`
}

/** GitHub's five alert types, the title it shows, and the octicon in the title. */
const ALERTS = {
  note: { title: 'Note', icon: 'info' },
  tip: { title: 'Tip', icon: 'light-bulb' },
  important: { title: 'Important', icon: 'report' },
  warning: { title: 'Warning', icon: 'alert' },
  caution: { title: 'Caution', icon: 'stop' }
} as const
type AlertKind = keyof typeof ALERTS

/** The marker line that makes a top-level blockquote an alert: `[!TYPE]` alone on the quote's first line. */
const ALERT_MARKER = /^\[!(note|tip|important|warning|caution)\][ \t]*(?:\n|$)/i

/**
 * The GFM "tagfilter" extension: raw HTML of these tags is shown as text (its `<` escaped), never run.
 * Applied to raw HTML only; markdown text is escaped by the renderer anyway.
 */
const TAGFILTER = /<(?=\/?(?:title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext)[\s/>])/gi

/** Where the renderer asks for an alert's icon; replaced after sanitising (user text cannot hold a NUL). */
const ICON_SLOT = /\u0000icon:([a-z-]+)\u0000/g

interface AlertToken {
  type: 'githubAlert'
  raw: string
  kind: AlertKind
  tokens: Token[]
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  hooks: {
    // Alerts are top-level only (GitHub does not make a quote nested in a list or another quote an alert).
    processAllTokens(tokens) {
      return tokens.map((t) => alertOf(t) ?? t)
    }
  },
  extensions: [
    {
      name: 'githubAlert',
      level: 'block',
      renderer(token) {
        const t = token as unknown as AlertToken
        const { title } = ALERTS[t.kind]
        return (
          `<div class="markdown-alert markdown-alert-${t.kind}"><p class="markdown-alert-title">\u0000icon:${t.kind}\u0000${title}</p>\n` +
          `${this.parser.parse(t.tokens)}</div>\n`
        )
      }
    }
  ],
  renderer: {
    html({ text }) {
      return text.replace(TAGFILTER, '&lt;')
    }
  }
})

function alertOf(t: Token): Token | undefined {
  if (t.type !== 'blockquote') return undefined
  const quote = t as Tokens.Blockquote
  const first = quote.tokens[0]
  if (first?.type !== 'paragraph') return undefined
  const m = ALERT_MARKER.exec((first as Tokens.Paragraph).text)
  if (!m) return undefined
  const rest = (first as Tokens.Paragraph).text.slice(m[0].length)
  const body: Token[] = rest.trim() === '' ? [] : [{ type: 'paragraph', raw: rest, text: rest, tokens: Lexer.lexInline(rest, { gfm: true }) }]
  body.push(...quote.tokens.slice(1))
  // An empty alert stays a plain quote, as on GitHub.
  if (body.length === 0) return undefined
  const alert: AlertToken = { type: 'githubAlert', raw: quote.raw, kind: (m[1] ?? 'note').toLowerCase() as AlertKind, tokens: body }
  return alert as unknown as Token
}

/**
 * What survives GitHub's sanitising of user HTML: an allow-list of elements and attributes. Everything else
 * goes (style, class, id, event handlers, script, iframe, form, svg); the text of a dropped element stays.
 * The only classes kept are those the alert renderer writes.
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'b', 'i', 'strong', 'em', 'a', 'pre', 'code', 'img', 'tt', 'div', 'span',
    'ins', 'del', 's', 'strike', 'sup', 'sub', 'small', 'mark', 'kbd', 'q', 'samp', 'var', 'abbr', 'cite', 'dfn', 'time', 'wbr',
    'ol', 'ul', 'li', 'dl', 'dt', 'dd', 'blockquote', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
    'details', 'summary', 'figure', 'figcaption', 'picture', 'source', 'ruby', 'rt', 'rp', 'bdo', 'input'
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height', 'align'],
    source: ['srcset', 'media', 'type'],
    input: ['type', 'checked', 'disabled'],
    blockquote: ['cite'],
    q: ['cite'],
    ins: ['cite', 'datetime'],
    del: ['cite', 'datetime'],
    ol: ['start', 'type'],
    details: ['open'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width', 'nowrap', 'headers', 'scope'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'nowrap', 'headers', 'scope'],
    table: ['align', 'border', 'cellpadding', 'cellspacing', 'width', 'summary'],
    '*': ['align', 'dir', 'lang', 'title']
  },
  allowedClasses: {
    div: ['markdown-alert', ...Object.keys(ALERTS).map((k) => `markdown-alert-${k}`)],
    p: ['markdown-alert-title']
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false
}

/** GitHub-flavoured markdown → the HTML GitHub would show (alerts with their icons, sanitised). */
export function renderMarkdown(markdown: string): string {
  // CommonMark replaces NUL with U+FFFD; it also keeps the icon slots out of reach of user text.
  const html = marked.parse(markdown.replace(/\u0000/g, '\uFFFD'), { async: false })
  return sanitizeHtml(html, SANITIZE).replace(ICON_SLOT, (_, kind: AlertKind) => octicon(ALERTS[kind].icon))
}

/** GitHub's markdown stylesheet, light theme (github-markdown-css, MIT). */
function githubCss(): string {
  return fs.readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
}

/** Page gutter and the pane's own padding and border, px: the viewport is the pane's content width plus these. */
export const FRAME_PX = { gutter: 16, padding: 24, border: 1 }

export function viewportWidth(paneWidth: number): number {
  return paneWidth + 2 * (FRAME_PX.gutter + FRAME_PX.padding + FRAME_PX.border)
}

const escapeText = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A page that stands for the job-summary pane: a white bordered box whose content (the `.markdown-body`) is
 * `paneWidth` px wide, titled like GitHub titles a job's summary, on GitHub's grey page background.
 */
export function summaryPage(markdown: string, o: { paneWidth: number; title: string }): string {
  const { gutter, padding, border } = FRAME_PX
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeText(o.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${githubCss()}</style>
<style>
html { background: #f6f8fa; }
body { margin: 0; padding: ${gutter}px; }
.pane { width: ${o.paneWidth}px; padding: 16px ${padding}px ${padding}px; border: ${border}px solid #d1d9e0; border-radius: 6px; background: #ffffff; }
.pane-title { margin: 0 0 16px; padding-bottom: 8px; border-bottom: 1px solid #d1d9e0; color: #1f2328;
  font: 600 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.pane > .markdown-body { padding: 0; }
</style></head>
<body><div class="pane"><div class="pane-title">${escapeText(o.title)}</div>
<article class="markdown-body">
${renderMarkdown(markdown)}
</article></div></body></html>
`
}
