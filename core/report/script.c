/*
 * The page's one script: when a filter changes, it sums the cube
 * (cube.c) over the chosen brand, topic, network and date range and
 * rewrites what carries a figure: elements with data-q (a count or a
 * share, "neg/n:3" = brand 3's negative share), bars with data-w (their
 * width a share of data-len), the stacked sentiment bars (data-sb) on the
 * selection's own scale and their axis (#sent-axis), and the time charts'
 * bars, line and left axes from the time cube (tcube.c), and the topics
 * table's mentions and negative shares (data-tq), and the share of voice
 * per day (#sovd), the networks' shares of owned and earned (data-nq),
 * and from the sections' cube (xcube.c) the owned posts (data-oq), the
 * languages' shares (data-lq), the channels' bars (data-chb) and the
 * owned and earned bars (data-bkb), the topics' bars (data-tp); the alert counts (data-aq) from the
 * alerts table's rows the selection shows.
 * Numbers are written
 * as core/util/numfmt.c writes them, so a filtered page reads like the page
 * generated with that filter (`--brand`).
 *
 * The script is a constant: the page's CSP allows it by its hash, and the
 * data travel in a JSON block that is never executed. Without the script
 * (a mail client that strips it) the CSS filters still hide rows.
 */
#include "report.h"

#include <openssl/evp.h>
#include <string.h>

static const char JS[] =
    "(function(){"
    "var D=JSON.parse(document.getElementById('es-cube').textContent),R=['24h','48h','7d','30d'],"
    "F=document.getElementById('filters'),L=['pos','neu','neg','uns'],"
    "T=JSON.parse(document.getElementById('es-tcube').textContent),NB=T.bk.length,"
    "X=JSON.parse(document.getElementById('es-xcube').textContent);"
    "function pick(g){var e=F.querySelector('input[name='+g+']:checked');"
    "if(!e||/-all$/.test(e.id))return -1;var s=e.id.slice(g.length+1);return g=='fd'?R.indexOf(s):+s}"
    "function int(v){return String(v).replace(/\\B(?=(\\d{3})+(?!\\d))/g,',')}"
    /* numfmt.c's percent: one decimal, ".0" dropped, ties to even as printf. */
    "function pct(a,b){var p=b>0?a/b*100:0;if(p>0&&p<0.05)return'<0.1%';if(p<100&&p>=99.95)return'>99.9%';"
    "var v=p*10,f=Math.floor(v),r=v-f==0.5?f+f%2:Math.round(v);return(r/10).toFixed(1).replace(/\\.0$/,'')+'%'}"
    "function step(m,n){if(m<=0)return 1;var r=m/n,g=Math.pow(10,Math.floor(Math.log10(r))),k=[1,2,5,10];"
    "for(var i=0;i<4;i++)if(k[i]*g>=r)return k[i]*g<1?1:k[i]*g;return 10*g}"
    "function A(e,n){return e.getAttribute(n)}"
    "function update(){"
    "var fb=pick('fb'),ft=pick('ft'),fn=pick('fn'),fd=pick('fd'),B={},S=[0,0,0,0],all=0,an=0,max=0,k,l;"
    "D.rows.forEach(function(x){if((fb>=0&&x[0]!=fb)||x[1]!=ft||(fn>=0&&x[2]!=fn)||(fd>=0&&x[3]>fd))return;"
    "var b=B[x[0]]||(B[x[0]]=[0,0,0,0]);for(l=0;l<4;l++){b[l]+=x[4+l];S[l]+=x[4+l]}});"
    "for(k in B){var t=B[k][0]+B[k][1]+B[k][2]+B[k][3];if(D.named[k]){all+=t;an+=B[k][2]}if(t>max)max=t}"
    "function get(n,v){return n=='all'?all:n=='allneg'?an:n=='n'?v[0]+v[1]+v[2]+v[3]:v[L.indexOf(n)]}"
    "function vec(b){return b==null?S:B[b]||[0,0,0,0]}"
    "function q(s){var m=s.split(':'),v=vec(m[1]),e=m[0].split('/');return[get(e[0],v),e[1]?get(e[1],v):1]}"
    "document.querySelectorAll('[data-q]').forEach(function(e){var r=q(A(e,'data-q')),f=A(e,'data-f');"
    "e.textContent=f=='p'?pct(r[0],r[1]):f=='c'?int(r[0]):String(r[0])});"
    "document.querySelectorAll('[data-w]').forEach(function(e){var r=q(A(e,'data-w'));"
    "e.setAttribute('width',(r[1]>0?r[0]/r[1]*A(e,'data-len'):0).toFixed(2))});"
    "document.querySelectorAll('[data-sovl]').forEach(function(e){var v=vec(A(e,'data-sovl')),n=get('n',v),"
    "w=+A(e,'data-len'),a=all?n/all*w:0,b=an?v[2]/an*w:0;"
    "e.setAttribute('x',(+A(e,'data-x0')+Math.max(a,b)+6).toFixed(1));"
    "e.textContent=pct(n,all)+' of voice \\u00b7 '+pct(v[2],an)+' of negative'});"
    "var st=step(max,6),am=Math.ceil(max/st)*st;"
    "document.querySelectorAll('[data-sb]').forEach(function(g){var v=vec(A(g,'data-sb')),n=get('n',v),"
    "w=+A(g,'data-len'),x=+A(g,'data-x0');g.querySelectorAll('rect[data-l]').forEach(function(r){"
    "var d=am>0?v[+A(r,'data-l')]/am*w:0;r.setAttribute('x',x.toFixed(2));r.setAttribute('width',d.toFixed(2));x+=d});"
    "var t=g.querySelector('text.sbl');if(t){t.setAttribute('x',(x+6).toFixed(1));"
    "t.textContent=int(n)+' \\u00b7 '+pct(v[2],n||1)+' negative'}});"
    /* A horizontal axis (svg.c rp_svg_xaxis) redrawn on a new scale; its
     * title is one of the page's own constants (data-at). */
    "function xax(ax,am,st){if(!ax||A(ax,'data-max')==String(am))return;var a=A(ax,'data-ax').split(' ').map(Number),"
    "h='<line class=\"axis\" x1=\"'+a[0]+'\" y1=\"'+a[2]+'\" x2=\"'+a[1]+'\" y2=\"'+a[2]+'\"/>';"
    "for(var u=0;u<=am+st*1e-9;u+=st){var X=(a[0]+(am>0?u/am:0)*(a[1]-a[0])).toFixed(1);"
    "h+='<line class=\"grid\" x1=\"'+X+'\" y1=\"'+a[3]+'\" x2=\"'+X+'\" y2=\"'+a[2]+'\"/>'"
    "+'<line class=\"axis\" x1=\"'+X+'\" y1=\"'+a[2]+'\" x2=\"'+X+'\" y2=\"'+(a[2]+4)+'\"/>'"
    "+'<text x=\"'+X+'\" y=\"'+(a[2]+16)+'\" text-anchor=\"middle\" font-size=\"11\">'+int(Math.round(u))+'</text>'}"
    "h+='<text x=\"'+(a[0]+a[1])/2+'\" y=\"'+(a[2]+32)+'\" text-anchor=\"middle\" font-size=\"12\" "
    "class=\"axis-title\" font-weight=\"600\">'+(A(ax,'data-at')||'mentions')+'</text>';ax.innerHTML=h;ax.setAttribute('data-max',am)}"
    "xax(document.getElementById('sent-axis'),am,st);"
    /* The time charts (sections 3, 4): each brand's buckets summed over
     * the chosen network, or topic (with both, the topic: the time cube
     * has no network x topic cells, .tcomb says so); a date range hides
     * the buckets outside it (CSS) and the scale is the shown buckets'. */
    "var TC={};"
    "function tc(b){if(TC[b])return TC[b];var r=[],i,s=ft>=0?T.t:T.n,y=ft>=0?ft:fn;for(i=0;i<NB*4;i++)r.push(0);"
    "s.forEach(function(x){if(x[0]!=b||(y>=0&&x[1]!=y))return;for(i=0;i<NB*4;i++)r[i]+=x[2+i]});return TC[b]=r}"
    "function vis(e){return fd<0||(' '+A(e,'data-fd')+' ').indexOf(' '+R[fd]+' ')>=0}"
    "function yax(g,x1,x2,yb,ph,am,st,tx){var h='';for(var u=0;u<=am+st*1e-9;u+=st){var Y=yb-u/am*ph;"
    "h+='<line class=\"grid\" x1=\"'+x1.toFixed(1)+'\" y1=\"'+Y.toFixed(1)+'\" x2=\"'+x2.toFixed(1)+'\" y2=\"'+Y.toFixed(1)+'\"/>'"
    "+'<text x=\"'+tx.toFixed(1)+'\" y=\"'+(Y+4).toFixed(1)+'\" text-anchor=\"end\" font-size=\"11\">'+int(Math.round(u))+'</text>'}"
    "if(g)g.innerHTML=h}"
    "function hy(r,y,h){r.setAttribute('y',y.toFixed(2));r.setAttribute('height',h.toFixed(2))}"
    "document.querySelectorAll('g[data-tb]').forEach(function(P){var c=tc(+A(P,'data-tb')),a=A(P,'data-ax').split(' ').map(Number),"
    "G=P.querySelectorAll('g[data-k]'),m=1;"
    "G.forEach(function(g){var k=4*A(g,'data-k'),s=c[k]+c[k+1]+c[k+2]+c[k+3];if(vis(g)&&s>m)m=s});"
    "var st=step(m,4),am=Math.ceil(m/st)*st;"
    "G.forEach(function(g){var k=4*A(g,'data-k'),y=a[2];[2,1,0,3].forEach(function(l){"
    "var r=g.querySelector('rect[data-l=\"'+l+'\"]');if(!r)return;var h=c[k+l]/am*a[3];y-=h;hy(r,y,h)})});"
    "yax(P.querySelector('g.yax'),a[0],a[0]+a[1],a[2],a[3],am,st,a[0]-5)});"
    "document.querySelectorAll('g[data-vb]').forEach(function(P){var c=tc(+A(P,'data-vb')),a=A(P,'data-ax').split(' ').map(Number),"
    "S=P.parentNode,V={},N={},m=0,i,d,pd='',pv=-2,G=P.querySelectorAll('g[data-d]');"
    "for(i=0;i<NB;i++){d=Math.floor(T.bk[i]/86400)-T.day0;V[d]=(V[d]||0)+c[4*i]+c[4*i+1]+c[4*i+2]+c[4*i+3];"
    "N[d]=(N[d]||0)+c[4*i+2]}"
    "G.forEach(function(g){var v=V[A(g,'data-d')]||0;if(vis(g)&&v>m)m=v});"
    "m=m||1;var st=step(m,4),am=Math.ceil(m/st)*st,yb=a[2],ph=a[3];"
    "G.forEach(function(g){var d=+A(g,'data-d'),v=V[d]||0,n=N[d]||0,hn=n/am*ph,ho=(v-n)/am*ph;"
    "hy(g.querySelector('rect[data-l=o]'),yb-hn-ho,ho);hy(g.querySelector('rect[data-l=g]'),yb-hn,hn);"
    "if(!v||!vis(g)){pv=-2;return}"
    "pd+=(pv==d-1?'L':'M')+(a[0]+(d+0.5)*a[4]).toFixed(1)+' '+(yb-n/v*ph).toFixed(1)+' ';pv=d});"
    "var pa=S.querySelector('path.nsl');if(pa)pa.setAttribute('d',pd);"
    "S.querySelectorAll('circle[data-d]').forEach(function(e){var d=A(e,'data-d'),v=V[d]||0;"
    "e.setAttribute('r',v?'2.5':'0');if(v)e.setAttribute('cy',(yb-(N[d]||0)/v*ph).toFixed(1))});"
    "yax(S.querySelector('g.yax'),a[0],a[0]+a[1],yb,ph,am,st,a[0]-6)});"
    "document.querySelectorAll('.tcomb').forEach(function(e){e.hidden=!(ft>=0&&fn>=0)});"
    /* Owned and earned: each network's share of a brand's selection. */
    "document.querySelectorAll('[data-nq]').forEach(function(e){var m=A(e,'data-nq').split(' ').map(Number),v=0,"
    "t=B[m[0]]||[0,0,0,0];D.rows.forEach(function(x){if(x[0]==m[0]&&x[1]==ft&&x[2]==m[1]&&(fn<0||fn==m[1])&&!(fd>=0&&x[3]>fd))"
    "v+=x[4]+x[5]+x[6]+x[7]});e.textContent=pct(v,t[0]+t[1]+t[2]+t[3])});"
    /* Channels, languages and owned posts from the sections' cube
     * (xcube.c): the listed channels and languages of each brand, its
     * other channels as the selection's total minus the listed ones. */
    "function sel(x){return x[1]==ft&&(fn<0||x[2]==fn)&&!(fd>=0&&x[3]>fd)}"
    "function tot(b){var v=B[b]||[0,0,0,0];return v[0]+v[1]+v[2]+v[3]}"
    "var OW={};X.o.forEach(function(x){if(sel(x))OW[x[0]]=(OW[x[0]]||0)+x[4]});"
    "document.querySelectorAll('[data-oq]').forEach(function(e){e.textContent=int(OW[A(e,'data-oq')]||0)});"
    "document.querySelectorAll('[data-lq]').forEach(function(e){var m=A(e,'data-lq').split(' ').map(Number),v=0;"
    "X.l.forEach(function(x){if(x[0]==m[0]&&x[4]==m[1]&&sel(x))v+=x[5]});e.textContent=pct(v,tot(m[0]))});"
    "document.querySelectorAll('[data-chb]').forEach(function(C){var b=+A(C,'data-chb'),x0=+A(C,'data-x0'),w=+A(C,'data-len'),"
    "v={},s=0,m=0,n=tot(b),G=C.querySelectorAll('g[data-ck]');G.forEach(function(g){v[A(g,'data-ck')]=0});"
    "X.c.forEach(function(x){if(x[0]==b&&x[4] in v&&sel(x))v[x[4]]+=x[5]});"
    "for(k in v)if(k!='8')s+=v[k];if('8' in v)v[8]=n-s;for(k in v)if(v[k]>m)m=v[k];"
    "var st=step(m,4),am=Math.ceil(m/st)*st;"
    "G.forEach(function(g){var c=v[A(g,'data-ck')],r=g.querySelector('rect'),t=g.querySelector('text'),d=am>0?c/am*w:0;"
    "r.setAttribute('width',(d<1?1:d).toFixed(2));t.setAttribute('x',(x0+d+5).toFixed(1));t.textContent=c+' ('+pct(c,n)+')'});"
    "xax(C.querySelector('g.xax'),am,st)});"
    "var BK=document.querySelectorAll('g[data-bkb]'),bm=0;"
    "BK.forEach(function(g){var b=+A(g,'data-bkb'),t=tot(b)+(OW[b]||0);if((fb<0||b==fb)&&t>bm)bm=t});"
    "var bs=step(bm,6),ba=Math.ceil(bm/bs)*bs;"
    "BK.forEach(function(g){var b=+A(g,'data-bkb'),e=tot(b),o=OW[b]||0,x0=+A(g,'data-x0'),w=+A(g,'data-len'),"
    "we=ba>0?e/ba*w:0,wo=ba>0?o/ba*w:0,r=g.querySelector('rect.owned'),t=g.querySelector('g.bkl text'),"
    "tl=g.querySelector('g.bkl title');g.querySelector('rect.earned').setAttribute('width',we.toFixed(2));"
    "r.setAttribute('x',(x0+we).toFixed(1));r.setAttribute('width',wo.toFixed(2));if(tl)tl.remove();"
    "t.setAttribute('x',(x0+we+wo+6).toFixed(1));t.textContent=e+' earned \\u00b7 '+o+' owned ('+pct(o,e+o)+')'});"
    "xax(document.getElementById('bk-axis'),ba,bs);"
    /* Alerts: per brand, the alerts table's rows the selection shows (a
     * row without a topic or network tag matches every one, as the CSS). */
    "function on(e){function t(a,g,v){var x=A(e,a);return v<0||x==null||(' '+x+' ').indexOf(' '+g+v+' ')>=0}"
    "return t('data-fb','b',fb)&&t('data-ft','t',ft)&&t('data-fn','n',fn)&&(fd<0||t('data-fd','',R[fd]))}"
    "var AL={};document.querySelectorAll('table.alerts tr[data-alert-id]').forEach(function(e){"
    "var b=(A(e,'data-fb')||'').slice(1);if(on(e))AL[b]=(AL[b]||0)+1});"
    "document.querySelectorAll('[data-aq]').forEach(function(e){var n=AL[A(e,'data-aq')]||0;"
    "e.textContent=A(e,'data-f')=='w'?n+' alert'+(n==1?'':'s'):String(n)});"
    /* Share of voice per day: each day's column restacked over the
     * selection's named brands (a brand chosen: that brand alone). */
    "var SD=document.getElementById('sovd');if(SD){var sa=A(SD,'data-ax').split(' ').map(Number),"
    "tp=A(SD,'data-top').split(' ').filter(Boolean).map(Number),DB={};"
    "D.named.forEach(function(nm,b){if(!nm||(fb>=0&&b!=fb))return;var c=tc(b),w=DB[b]=[];"
    "for(var i=0;i<NB;i++){var d=Math.floor(T.bk[i]/86400)-T.day0;w[d]=(w[d]||0)+c[4*i]+c[4*i+1]+c[4*i+2]+c[4*i+3]}});"
    "SD.querySelectorAll('g[data-sd]').forEach(function(g){var d=+A(g,'data-sd'),al=0,o=0,y=sa[0],k,r,h;"
    "for(k in DB){var v=DB[k][d]||0;al+=v;if(tp.indexOf(+k)<0)o+=v}"
    "tp.forEach(function(b){r=g.querySelector('rect[data-sv=\"'+b+'\"]');if(!r)return;"
    "h=al&&DB[b]?(DB[b][d]||0)/al*sa[1]:0;y-=h;hy(r,y,h)});"
    "r=g.querySelector('rect[data-sv=o]');if(r){h=al?o/al*sa[1]:0;y-=h;hy(r,y,h)}})}"
    /* The topics table: each topic and brand under the network and date
     * filters (the topic and brand filters hide the other rows). */
    "document.querySelectorAll('[data-tq]').forEach(function(e){var m=A(e,'data-tq').split(' ').map(Number),v=[0,0,0,0];"
    "D.rows.forEach(function(x){if(x[0]!=m[0]||x[1]!=m[1]||(fn>=0&&x[2]!=fn)||(fd>=0&&x[3]>fd))return;"
    "for(l=0;l<4;l++)v[l]+=x[4+l]});var n=v[0]+v[1]+v[2]+v[3];e.textContent=A(e,'data-f')=='p'?pct(v[2],n):int(n)});"
    /* The topics' bars: the same sums, on the shown bars' own scale. */
    "var TP=document.querySelectorAll('g[data-tp]'),tm=0,TV=[];"
    "TP.forEach(function(g,i){var m=A(g,'data-tp').split(' ').map(Number),v=[0,0];"
    "D.rows.forEach(function(x){if(x[0]!=m[0]||x[1]!=m[1]||(fn>=0&&x[2]!=fn)||(fd>=0&&x[3]>fd))return;"
    "v[0]+=x[4]+x[5]+x[6]+x[7];v[1]+=x[6]});TV[i]=v;if((fb<0||m[0]==fb)&&(ft<0||m[1]==ft)&&v[0]>tm)tm=v[0]});"
    "var ts=step(tm,6),ta=Math.ceil(tm/ts)*ts;"
    "TP.forEach(function(g,i){var v=TV[i],x0=+A(g,'data-x0'),w=+A(g,'data-len'),wn=ta>0?v[1]/ta*w:0,"
    "wo=ta>0?(v[0]-v[1])/ta*w:0,r=g.querySelector('rect.tpo'),t=g.querySelector('g.tpl text'),tl=g.querySelector('g.tpl title');"
    "g.querySelector('rect.tpn').setAttribute('width',wn.toFixed(2));r.setAttribute('x',(x0+wn).toFixed(1));"
    "r.setAttribute('width',wo.toFixed(2));if(tl)tl.remove();t.setAttribute('x',(x0+wn+wo+6).toFixed(1));"
    "t.textContent=v[0]+' \\u00b7 '+pct(v[1],v[0])+' negative'});"
    "xax(document.getElementById('tp-axis'),ta,ts)"
    "}"
    "F.addEventListener('change',update);update();"
    "document.documentElement.setAttribute('data-filters','live')"
    "})();";

void es__report_csp(char *buf, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE], b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    unsigned int n = 0;
    if (EVP_Digest(JS, sizeof JS - 1, md, &n, EVP_sha256(), NULL) != 1)
        n = 0; /* no hash: no script runs, the CSS filters still hide rows */
    else
        EVP_EncodeBlock(b64, md, (int)n);
    snprintf(buf, len, "default-src 'none'; style-src 'unsafe-inline'; img-src data:%s%s%s", n ? "; script-src 'sha256-" : "",
             n ? (const char *)b64 : "", n ? "'" : "");
}

void es__report_script_render(FILE *f, const es_report_page_t *p)
{
    /* Numbers only (cube.c), so "</script>" cannot occur in the block. */
    fputs("<script type=\"application/json\" id=\"es-cube\">", f);
    es__report_cube_json(f, p);
    fputs("</script>\n<script type=\"application/json\" id=\"es-tcube\">", f);
    es__report_tcube_json(f, p);
    fputs("</script>\n<script type=\"application/json\" id=\"es-xcube\">", f);
    es__report_xcube_json(f, p);
    fprintf(f, "</script>\n<script>%s</script>\n", JS);
}
