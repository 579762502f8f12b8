window.YTD.deleted_tweets.part0 = [
  {
    "tweet" : {
      "id_str" : "1599999999999999998",
      "created_at" : "Sun Dec 04 08:00:00 +0000 2022",
      "full_text" : "deleted tweets are not imported"
    }
  }
]
