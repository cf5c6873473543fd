// The fault-scenario catalogue (FAULT_SCENARIOS, printed in docs/RELIABILITY.md) against the test files,
// read as text: no test is run here. `npm run reliability` makes the same checks against jest's results.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  DESCRIBED_FILES,
  FAULT_SCENARIOS,
  RELIABILITY_AREAS,
  type FaultScenario,
  sourceTestTitles,
  titlePattern
} from '../../scripts/reliability/catalogue.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const source = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8')
const key = (s: FaultScenario): string => `${s.file} › ${s.describe} › ${s.test}`
const quoted = (text: string, title: string): boolean => ["'", '"', '`'].some((q) => text.includes(`${q}${title}${q}`))

describe('FAULT_SCENARIOS', () => {
  it('every entry is well-formed', () => {
    const areas = new Set(RELIABILITY_AREAS.map((a) => a.area))
    const bad = FAULT_SCENARIOS.filter(
      (s) =>
        !areas.has(s.area) ||
        !DESCRIBED_FILES.includes(s.file) ||
        [s.describe, s.test, s.fault, s.expected].some((v) => typeof v !== 'string' || v.trim() === '' || v !== v.trim() || v.includes('\n')) ||
        (s.each === true) !== /\$[A-Za-z_]|%[sdifjop#]/.test(s.test) ||
        (s.counts !== undefined && !['bad-input', 'bad-state'].includes(s.counts))
    )
    expect(bad.map(key)).toEqual([])
  })

  it('entries are unique', () => {
    const keys = FAULT_SCENARIOS.map(key)
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([])
  })

  it('areas are unique and every area has entries', () => {
    const areas = RELIABILITY_AREAS.map((a) => a.area)
    expect(new Set(areas).size).toBe(areas.length)
    for (const a of areas) expect({ area: a, entries: FAULT_SCENARIOS.some((s) => s.area === a) }).toEqual({ area: a, entries: true })
  })

  it.each(DESCRIBED_FILES)('%s exists', (file) => {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true)
  })

  it("every entry's describe and test titles are written in its file", () => {
    const missing = FAULT_SCENARIOS.filter((s) => {
      const text = source(s.file)
      return !quoted(text, s.describe) || !sourceTestTitles(text).some((t) => t.title === s.test && t.each === (s.each === true))
    })
    expect(missing.map(key)).toEqual([])
  })

  it('every test written in a described file has exactly one entry', () => {
    const problems: string[] = []
    for (const file of DESCRIBED_FILES) {
      const titles = sourceTestTitles(source(file))
      expect({ file, tests: titles.length > 0 }).toEqual({ file, tests: true })
      for (const t of titles) {
        const owners = FAULT_SCENARIOS.filter((s) => s.file === file && s.test === t.title && (s.each === true) === t.each)
        if (owners.length !== 1) problems.push(`${file} › ${t.title}: ${owners.length} entries`)
      }
    }
    expect(problems).toEqual([])
  })

  it('it.each templates match the titles jest makes of them', () => {
    expect(titlePattern({ test: '$input = $shown ($inputs.mode)', each: true }).test('mode = "canary" (canary)')).toBe(true)
    expect(titlePattern({ test: 'accepted: %s', each: true }).test('accepted: mode in capitals')).toBe(true)
    expect(titlePattern({ test: 'accepted: %s', each: true }).test('refused: x')).toBe(false)
    expect(titlePattern({ test: 'a (b) $x', each: false }).test('a (b) $x')).toBe(true)
    expect(titlePattern({ test: 'a (b)', each: false }).test('a (b) and more')).toBe(false)
  })
})
