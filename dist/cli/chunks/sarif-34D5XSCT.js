import{h as a,i as b}from"./chunk-T7XFGXV4.js";import"./chunk-WTSX5MWV.js";import"./chunk-7IEIJEQV.js";import"./chunk-64O4UU5Y.js";export{b as readSarif,a as severityBucket};
