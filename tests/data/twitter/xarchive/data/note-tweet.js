window.YTD.note_tweet.part0 = [
  {
    "noteTweet" : {
      "noteTweetId" : "1750000000000000777",
      "updatedAt" : "2024-01-26T09:00:00.000Z",
      "lifecycle" : {
        "value" : "1",
        "name" : "Create",
        "originalName" : "Create",
        "annotations" : { }
      },
      "createdAt" : "2024-01-26T09:00:00.000Z",
      "core" : {
        "styletags" : [ ],
        "urls" : [
          {
            "urlType" : "Link",
            "shortUrl" : "https://t.co/LONGLONG01",
            "displayUrl" : "acme.example/repairs",
            "expandedUrl" : "https://acme.example/repairs",
            "fromIndex" : "320",
            "toIndex" : "343"
          }
        ],
        "text" : "Long post about Acme: the new support portal finally lets you track a repair from the moment you drop the widget off until it is back on your desk, with a message at every step &amp; a real person to answer when something goes wrong. I tried it this week with my broken widget and the whole thing took three days. Details: https://t.co/LONGLONG01 and the last part that tweets.js never shows: kudos to the Acme team.",
        "mentions" : [ ],
        "cashtags" : [ ],
        "hashtags" : [ ]
      }
    }
  },
  {
    "noteTweet" : {
      "noteTweetId" : "1750000000000000778",
      "createdAt" : "not a date",
      "core" : { "text" : "unreadable", "urls" : [ ] }
    }
  }
]
