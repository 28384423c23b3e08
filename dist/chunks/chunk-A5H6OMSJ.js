import{f as a}from"./chunk-2SYAO6EA.js";var c=1e6,b=512,u=class{constructor(t=c){this.limit=t}limit;parts=[];bytes=0;reserve=4096;get size(){return this.bytes}get remaining(){return Math.max(0,this.limit-this.reserve-this.bytes)}add(t){let e=t.endsWith(`
`)?t:`${t}
`,s=Buffer.byteLength(e,"utf8");return this.bytes+s>this.limit-this.reserve?!1:(this.parts.push(e),this.bytes+=s,!0)}heading(t,e=2){return this.add(`${"#".repeat(e)} ${a(t)}
`),this}paragraph(t){return this.add(`${t}
`),this}table(t,e,s={}){let g=s.maxRows??Number.POSITIVE_INFINITY,i=`${[`| ${t.join(" | ")} |`,`|${t.map(()=>" --- ").join("|")}|`].join(`
`)}
`,r=0;for(let l of e){if(r>=g)break;let o=`| ${l.map(m=>m.replace(/\n/g," ")).join(" | ")} |
`;if(this.bytes+Buffer.byteLength(i+o,"utf8")+b>this.limit-this.reserve)break;i+=o,r++}this.add(i)||(r=0);let h=e.length-r;return h>0&&this.add(`
_${h} more not shown${s.moreHint?`: ${s.moreHint}`:""}._
`),this}details(t,e){return this.add(`<details><summary>${a(t)}</summary>

${e}

</details>
`),this}toString(){return this.parts.join("")}};function d(n,t,e){return n.length<=t?n:n.slice(0,t-e.length).replace(/[\uD800-\uDBFF]$/,"")+e}export{c as a,u as b,d as c};
