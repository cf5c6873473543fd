import { DEFAULT_SETTINGS } from './bench/scenario.js'
import { runSwitch, switchTable } from './bench/traffic-switch.js'
const rows = []
for (const t of ['weights', 'standby'] as const) { const r = await runSwitch(50, 100, t, { ...DEFAULT_SETTINGS, limitOverrides: {} }); rows.push(r); console.error(JSON.stringify(r)) }
console.log(switchTable(rows))
