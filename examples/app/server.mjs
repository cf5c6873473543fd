// The starter kit's sample app: answers GET /health with 200 (the target groups' health check) and any
// other GET with the version it runs, from APP_VERSION (the boot script passes the group's version tag).
// Listens on PORT (the boot script passes the container port, 8080) on every interface (HOST to change it).
import http from 'node:http'

const version = process.env.APP_VERSION || 'unknown'
const port = Number(process.env.PORT || 8080)
const host = process.env.HOST || '0.0.0.0'

const server = http.createServer((req, res) => {
  const path = (req.url || '/').split('?')[0]
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end()
  } else if (path === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
  } else {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`web ${version}\n`)
  }
})

server.listen(port, host, () => console.log(`web ${version} listening on ${host}:${server.address().port}`))

// docker stop sends SIGTERM: finish the requests under way, then exit.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)))
