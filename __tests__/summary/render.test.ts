// The renderer behind `npm run summary-shots` (scripts/summary-shots/): one small hand-written summary, laid out
// in Debian's Chromium, shows that the page follows GitHub's rules where a job summary depends on them (an alert
// is an alert, <details> starts closed, style and script are stripped) and that the overflow check can fail: a
// wide 8-column table does not fit a 768 px pane, a narrow one does.
// Chromium is not on a fresh machine: outside CI a missing /usr/bin/chromium skips this file with a message;
// in CI (CI set) it fails.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Page } from 'playwright-core'
import { type Browser, CHROMIUM, PANE, alerts, detailsState, firstBlockProblem, firstBlockText, launchChromium, measureLayout, showSummary } from '../../scripts/summary-shots/browser.js'
import { renderMarkdown } from '../../scripts/summary-shots/markdown.js'

const WIDE_HEAD = ['Color', 'Group', 'Role', 'Version', 'Min / desired / max', 'Instances', 'Target health', 'Scaling and hooks']
const WIDE_ROW = [
  'blue',
  'prod-checkout-frontend-blue',
  'standby',
  'v2026.11.28-rc3',
  '0 / 0 / 12',
  '12 EnteringStandby',
  '12 draining (Target.DeregistrationInProgress)',
  'suspended: Launch, Terminate, HealthCheck, ReplaceUnhealthy, AZRebalance, AlarmNotification, ScheduledActions, InstanceRefresh'
]

const row = (cells: string[], tag: string): string => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`

const SAMPLE = [
  '## Blue/green deploy of v2',
  '',
  'Services tagged `docker:image:name=web`, see https://github.com/example-org/web/actions/runs/7001.',
  '',
  '> [!NOTE]',
  '> v2 serves from `prod-web-green`.',
  '',
  `<table>${row(WIDE_HEAD, 'th')}${row(WIDE_ROW, 'td')}</table>`,
  '',
  `<table>${row(['Pair', 'State'], 'th')}${row(['prod-web', 'awaiting-finalize'], 'td')}</table>`,
  '',
  '<details><summary>Plan made from the state found at the start (2 steps)</summary>',
  '',
  '1. set prod-web-green to min 3 / desired 3 / max 6',
  '2. move 3 instance(s) of prod-web-blue to Standby',
  '',
  '</details>',
  '',
  '<p style="color: red" onclick="alert(1)">styled</p>',
  '',
  '<script>document.title = "ran"</script>',
  ''
].join('\n')

const missing = !fs.existsSync(CHROMIUM)
if (missing && !process.env.CI) {
  process.stderr.write(`__tests__/summary/render.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI this fails\n`)
}
const suite = missing && !process.env.CI ? describe.skip : describe

suite('the job summary rendered as GitHub does, in Chromium', () => {
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    browser = await launchChromium()
    page = await browser.page()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('renders an alert as GitHub does (its type and title), not as a quote starting with the literal [!NOTE]', async () => {
    await showSummary(page, SAMPLE, { paneWidth: PANE.normal, title: 'sample' })
    expect(await alerts(page)).toEqual([{ kind: 'note', title: 'Note' }])
    const text = await page.locator('.markdown-body').innerText()
    expect(text).not.toContain('[!NOTE]')
    expect(await page.locator('.markdown-body blockquote').count()).toBe(0)
  })

  it('starts <details> collapsed: the plan is not shown, its summary line is', async () => {
    await showSummary(page, SAMPLE, { paneWidth: PANE.normal, title: 'sample' })
    expect(await detailsState(page)).toEqual([{ open: false, contentShown: false }])
    expect(await page.locator('.markdown-body summary').isVisible()).toBe(true)
    expect(await page.getByText('move 3 instance(s) of prod-web-blue to Standby').isVisible()).toBe(false)
  })

  it('strips what GitHub strips: style and event attributes, scripts (which never run)', async () => {
    const html = renderMarkdown(SAMPLE)
    expect(html).not.toMatch(/style=|onclick=|<script/i)
    await showSummary(page, SAMPLE, { paneWidth: PANE.normal, title: 'sample' })
    expect(await page.title()).toBe('sample')
    expect(await page.locator('.markdown-body a[href="https://github.com/example-org/web/actions/runs/7001"]').count()).toBe(1)
  })

  it('the title, then the verdict: firstBlockProblem refuses a summary whose verdict is not under its title', async () => {
    await showSummary(page, SAMPLE, { paneWidth: PANE.normal, title: 'sample' })
    const top = await firstBlockText(page)
    expect(top).toMatchObject({ tag: 'h2', text: 'Blue/green deploy of v2', then: { tag: 'p' } })
    // The sample's second block is a context line, not a verdict.
    expect(firstBlockProblem(top)).toMatch(/not the verdict/)
    const verdict = '⏸️ **prod-web: v2 serves from prod-web-green; v1 waits in Standby on prod-web-blue (3 instances).** Next: approve the finalize job to terminate them.'
    await showSummary(page, ['## Blue/green deploy of v2', '', verdict, ''].join('\n'), { paneWidth: PANE.normal, title: 'verdict' })
    expect(firstBlockProblem(await firstBlockText(page))).toBeUndefined()
  })

  it('the wide 8-column table overflows a 768 px pane (it scrolls inside itself); the narrow table does not', async () => {
    await showSummary(page, SAMPLE, { paneWidth: PANE.narrow, title: 'sample' })
    const layout = await measureLayout(page)
    expect(layout.paneWidth).toBe(PANE.narrow)
    expect(layout.overflows).toHaveLength(1)
    expect(layout.overflows[0]).toMatchObject({ element: 'table 1 (under "Blue/green deploy of v2")', how: 'scrolls inside' })
    expect(layout.overflows[0]?.px).toBeGreaterThan(0)
    expect(layout.overflows[0]?.columns).toContain('Scaling and hooks')
    expect(layout.overflows.map((o) => o.element).filter((e) => e.startsWith('table 2'))).toEqual([])
    expect(layout.pageOverflowPx).toBe(0)
  })
})
