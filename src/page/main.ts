// The lab page: registers <prune-lab> (which fills the page) and says up front when
// this browser has no WebGPU at all, with how to get it. (The element reports the
// finer failures itself: no adapter, a lost device.)
import '../ui/lab/index.js';
import { WEBGPU_HELP } from '../gpu/device.js';

const box = document.getElementById('webgpu')!;
if (!('gpu' in navigator) || !navigator.gpu) {
  box.textContent = `This browser has no WebGPU (navigator.gpu is missing). ${WEBGPU_HELP}`;
  box.hidden = false;
}
