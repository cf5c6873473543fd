// Render responses and errors in the AWS Query and EC2 Query XML shapes.

export type XmlValue = string | number | boolean | Date | undefined | null | XmlValue[] | { [key: string]: XmlValue }

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

/** One element. Arrays render each entry as `<member>` (Query) or `<item>` (EC2). */
export function element(name: string, value: XmlValue, itemName: 'member' | 'item'): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element(itemName, v, itemName)).join('')}</${name}>`
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`
  if (typeof value === 'object') return `<${name}>${children(value, itemName)}</${name}>`
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

export function children(value: { [key: string]: XmlValue }, itemName: 'member' | 'item'): string {
  return Object.entries(value)
    .map(([k, v]) => element(k, v, itemName))
    .join('')
}

export function queryResponse(action: string, xmlns: string, result: { [key: string]: XmlValue } | undefined, requestId: string): string {
  const inner = result === undefined ? '' : `<${action}Result>${children(result, 'member')}</${action}Result>`
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
}

export function ec2Response(action: string, xmlns: string, result: { [key: string]: XmlValue }, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}"><requestId>${requestId}</requestId>${children(result, 'item')}</${action}Response>`
}

export function queryError(xmlns: string, type: string, code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${escapeXml(type)}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
}

export function ec2Error(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
}
