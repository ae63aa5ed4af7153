import { nativeBuild } from './__test__/helpers/fixtures'
import { sbom } from './index'
;(async () => {
  const f = nativeBuild()
  const r = await sbom([f, '/bin/ls', '/nonexistent', 999999])
  console.log(r.json.slice(0, 6000))
  console.log(r.failures)
  const s = await sbom([f], { format: 'spdx' })
  console.log(s.json.slice(0, 2500))
})()
