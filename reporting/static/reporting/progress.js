// Polls a report's progress region while it is queued or building and swaps it in place;
// the region is role="status", so screen readers hear "The report is ready" once.
const POLL_MS = 2000

function poll (region) {
  const url = region.dataset.pollUrl
  if (!url) return
  window.setTimeout(async () => {
    try {
      const response = await fetch(url, { headers: { 'X-Requested-With': 'fetch' }, credentials: 'same-origin' })
      if (!response.ok) return
      const holder = document.createElement('div')
      holder.innerHTML = await response.text()
      const next = holder.querySelector('#report-progress')
      if (!next) return
      region.dataset.status = next.dataset.status
      region.innerHTML = next.innerHTML
      if (next.dataset.pollUrl) {
        poll(region)
      } else {
        delete region.dataset.pollUrl
      }
    } catch (error) {
      poll(region)
    }
  }, POLL_MS)
}

const region = document.getElementById('report-progress')
if (region) poll(region)
