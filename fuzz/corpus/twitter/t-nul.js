window.YTD.tweets.part0 = [{"tweet":{"id_str":"1\u0000","full_text":"before\u0000after","created_at":"Wed Mar 01 10:00:00 +0000 2026","u\u0000":1}}]
